// Main projects: `unit` (fast, no servers), `e2e` (real MariaDB + RabbitMQ; the cross-service
// specs start the BUILT services from dist/, so `npm test` builds first) and `e2e-postgres` (the
// library's e2e files on PostgreSQL).
// ts-jest only transpiles (isolatedModules is on in tsconfig.json); `npm run typecheck` and the
// build are where types are checked.
// Tests import @txmsg/nestjs from the library's sources (as tsconfig.json's paths do), so a test run
// needs no library build and a failure points at a source line; the BUILT services the cross-service
// specs start use the built package (libs/txmsg/dist) through node_modules.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: {
    '^@txmsg/nestjs$': '<rootDir>/libs/txmsg/src',
    '^@txmsg/nestjs/testing$': '<rootDir>/libs/txmsg/src/testing',
    '^@app/common$': '<rootDir>/libs/common/src',
    '^@app/common/(.*)$': '<rootDir>/libs/common/src/$1',
  },
  // examples/ are separate npm projects with their own node_modules and tests.
  modulePathIgnorePatterns: [
    '<rootDir>/dist/',
    '<rootDir>/libs/txmsg/dist/',
    '<rootDir>/examples/',
    '<rootDir>/.pack/',
  ],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/examples/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // One file at a time unless told otherwise: `test:all` runs unit, e2e, e2e-postgres, cluster and browser
  // two files at a time (each e2e file has its own databases and vhost, and mostly waits on its
  // services), then the latency and chaos files alone — the former measure latencies, the latter
  // restart the servers.
  maxWorkers: 1,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/src/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/libs/txmsg/test/**/*.e2e-spec.ts'],
      // The setup file raises the timeout to 60 s (Jest ignores `testTimeout` inside a project).
      // The environment records failures so the service processes' logs are printed only when a test failed.
      testEnvironment: '<rootDir>/test/support/e2e-environment.js',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
    },
    {
      ...shared,
      displayName: 'e2e-postgres',
      // The library's e2e files again, on PostgreSQL instead of MariaDB (TXMSG_TEST_DB, set before
      // the test modules load): the library supports both, so both run in CI.
      testMatch: ['<rootDir>/libs/txmsg/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/libs/txmsg/test/support/on-postgres.ts'],
      testEnvironment: '<rootDir>/test/support/e2e-environment.js',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
    },
    {
      ...shared,
      displayName: 'browser',
      // Pages of the library in real headless Chromium (Debian's package, driven by playwright-core):
      // they fail, never skip, when /usr/bin/chromium is missing.
      testMatch: ['<rootDir>/libs/txmsg/test/**/*.browser-spec.ts'],
      testEnvironment: '<rootDir>/test/support/e2e-environment.js',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
    },
    {
      ...shared,
      displayName: 'latency',
      // e2e files that compare latencies under a fault with latencies without it: run alone, so
      // that another test file's processes are not what they measure.
      testMatch: ['<rootDir>/test/**/*.latency-spec.ts'],
      testEnvironment: '<rootDir>/test/support/e2e-environment.js',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
    },
    {
      ...shared,
      displayName: 'chaos',
      // Faults against real service processes and the real servers (they are restarted), with a
      // ledger; bounded to a few minutes. `npm run test:chaos` runs it alone.
      testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'],
      testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '/test/chaos/cluster\\.chaos-spec\\.ts$'],
      testEnvironment: '<rootDir>/test/support/e2e-environment.js',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
    },
    {
      ...shared,
      displayName: 'cluster',
      // Chaos on a three-node RabbitMQ cluster of the test's own: it never touches the machine's
      // servers, so it runs beside the e2e files instead of with the chaos that restarts them.
      testMatch: ['<rootDir>/test/chaos/cluster.chaos-spec.ts'],
      testEnvironment: '<rootDir>/test/support/e2e-environment.js',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
    },
  ],
};

#!/usr/bin/env node
// Proves the package from outside: packs @txmsg/nestjs as `npm pack` ships it, checks that the
// tarball would publish cleanly (a dry run: nothing is written to the registry), then installs it
// into each example (separate npm projects, not workspaces) and builds it and runs its e2e test
// against MariaDB and RabbitMQ: examples/orders-stock on Nest 11 and Node 24 (Fastify), and
// examples/nest12-orders, a `nest new` application on Nest 12 and Node 22. The library's own suite
// runs on Nest 11, so the two majors are each proven here. ts-jest and vitest type-check or
// transform the tests, the build type-checks the sources: no separate typecheck pass.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');
const { packLibrary } = require('./pack-lib');

const examples = [
  { name: 'orders-stock', nest: 11, node: 24 },
  { name: 'nest12-orders', nest: 12, node: 22 },
];

const tarball = packLibrary();
console.log(`packed ${path.relative(process.cwd(), tarball)}`);
publishDryRun(tarball);
for (const example of examples) testExample(example);

/**
 * `npm publish --dry-run` of the tarball: fails on any warning about the package (a field npm
 * would correct, say). Only the one about this machine's npm login is expected, as CI has none.
 */
function publishDryRun(file) {
  const run = spawnSync('npm', ['publish', file, '--dry-run'], { encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0) throw new Error(`npm publish --dry-run failed:\n${output}`);
  const warnings = output
    .split('\n')
    .filter((line) => /^npm warn/i.test(line) && !/requires you to be logged in/.test(line));
  if (warnings.length) throw new Error(`npm publish --dry-run warns:\n  ${warnings.join('\n  ')}`);
  console.log(output.split('\n').find((line) => line.startsWith('+ ')) ?? 'npm publish --dry-run: clean');
}

function testExample({ name, nest, node }) {
  const dir = path.resolve(__dirname, '..', 'examples', name);
  const npm = (...args) => execFileSync('npm', args, { cwd: dir, stdio: 'inherit' });
  console.log(`\n=== examples/${name}: Nest ${nest} on Node ${node}`);
  // The tarball changes with every build under the same name and version: drop the installed copy
  // (and npm's record of its checksum) so the new one is unpacked.
  fs.rmSync(path.join(dir, 'node_modules', '@txmsg'), { recursive: true, force: true });
  fs.rmSync(path.join(dir, 'node_modules', '.package-lock.json'), { force: true });
  npm('install', '--no-audit', '--no-fund', '--prefer-offline');
  checkManifest(dir, path.join(dir, 'node_modules', '@txmsg', 'nestjs'));
  checkVersions(dir, name, nest, node);
  npm('run', 'build');
  npm('run', 'test:e2e');
}

/** The example runs the Nest major and the Node major it is there to prove (`npm run` picks its own node). */
function checkVersions(dir, name, nest, node) {
  const core = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', '@nestjs', 'core', 'package.json'), 'utf8'));
  const runtime = execFileSync('npm', ['exec', '--', 'node', '-p', 'process.versions.node'], {
    cwd: dir,
    encoding: 'utf8',
  }).trim();
  const major = (version) => Number(version.split('.')[0]);
  if (major(core.version) !== nest || major(runtime) !== node) {
    throw new Error(
      `examples/${name} should run Nest ${nest} on Node ${node}, not Nest ${core.version} on Node ${runtime}`,
    );
  }
  console.log(`examples/${name}: @nestjs/core ${core.version} on Node ${runtime}`);
}

/**
 * The example lives inside the repository, so Node would also find a package the library forgot to
 * declare in the repository's own node_modules. Every module the installed library requires must
 * be one it declares, and must resolve inside the example.
 */
function checkManifest(example, installed) {
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  const optional = new Set(
    Object.entries(manifest.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta.optional)
      .map(([name]) => name),
  );
  const installedIn = (name) => fs.existsSync(path.join(example, 'node_modules', name, 'package.json'));
  const required = new Set();
  const scan = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) scan(file);
      else if (entry.name.endsWith('.js')) {
        for (const [, id] of fs.readFileSync(file, 'utf8').matchAll(/require\(["']([^"'.][^"']*)["']\)/g))
          required.add(id);
      }
    }
  };
  scan(path.join(installed, 'dist'));
  const problems = [];
  for (const id of required) {
    if (builtinModules.includes(id.replace(/^node:/, ''))) continue;
    const name = id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0];
    if (!declared.has(name)) problems.push(`${id}: not in dependencies or peerDependencies`);
    else if (optional.has(name) && !installedIn(name))
      continue; // an optional peer the example does without
    else if (!require.resolve(id, { paths: [installed] }).startsWith(path.join(example, 'node_modules') + path.sep))
      problems.push(`${id}: resolves outside the example`);
  }
  if (problems.length) throw new Error(`@txmsg/nestjs as installed:\n  ${problems.join('\n  ')}`);
  console.log(`@txmsg/nestjs requires ${required.size} modules, all declared and installed in the example`);
}

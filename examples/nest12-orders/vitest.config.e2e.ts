import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    globals: true,
    root: './',
    include: ['**/*.e2e-spec.ts'],
    // The app boots against real MariaDB and RabbitMQ, on a machine that may be busy.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});

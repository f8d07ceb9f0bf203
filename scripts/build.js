#!/usr/bin/env node
// Builds every app and library in one tsc pass (tsconfig.build.json includes them all; the Nest
// CLI rewrites the @app/* path aliases), then gives each service the entry point the README names:
// `node dist/apps/<service>/main.js`.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const services = ['bank1', 'bank2', 'pay', 'account'];

fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', 'bank1'], {
  cwd: root,
  stdio: 'inherit',
});
for (const service of services) {
  const compiled = path.join(root, 'dist', 'apps', service, 'src', 'main.js');
  if (!fs.existsSync(compiled)) throw new Error(`build produced no ${compiled}`);
  fs.writeFileSync(path.join(root, 'dist', 'apps', service, 'main.js'), "require('./src/main');\n");
}

#!/usr/bin/env node
// Builds the library first, as the package @txmsg/nestjs (libs/txmsg/dist: CommonJS, declarations,
// source maps), then every app in one tsc pass (tsconfig.build.json; the Nest CLI rewrites the
// @app/common alias). The apps import @txmsg/nestjs through node_modules, a workspace link to
// libs/txmsg, so the built services run on exactly what `npm pack` ships. Each service then gets
// the entry point the README names: `node dist/apps/<service>/main.js`.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const services = ['bank1', 'bank2', 'pay', 'account'];
const run = (script, args) => execFileSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });

const library = path.join(root, 'libs', 'txmsg');
fs.rmSync(path.join(library, 'dist'), { recursive: true, force: true });
run(require.resolve('typescript/bin/tsc'), ['-p', path.join(library, 'tsconfig.build.json')]);
if (require.resolve('@txmsg/nestjs', { paths: [root] }) !== path.join(library, 'dist', 'index.js')) {
  throw new Error('node_modules/@txmsg/nestjs does not lead to libs/txmsg/dist: run `npm ci` (the workspace link)');
}

fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
run(require.resolve('@nestjs/cli/bin/nest.js'), ['build', 'bank1']);
for (const service of services) {
  const compiled = path.join(root, 'dist', 'apps', service, 'src', 'main.js');
  if (!fs.existsSync(compiled)) throw new Error(`build produced no ${compiled}`);
  fs.writeFileSync(path.join(root, 'dist', 'apps', service, 'main.js'), "require('./src/main');\n");
}

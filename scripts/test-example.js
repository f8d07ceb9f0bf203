#!/usr/bin/env node
// Proves the package from outside: packs @txmsg/nestjs as `npm pack` ships it, installs the
// tarball into examples/orders-stock (a separate npm project, not a workspace, on Fastify), then
// builds the example and runs its e2e test against MariaDB and RabbitMQ (ts-jest type-checks the
// tests, tsc the build: no separate typecheck pass).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { packLibrary } = require('./pack-lib');

const example = path.resolve(__dirname, '..', 'examples', 'orders-stock');
const { builtinModules } = require('node:module');
const npm = (...args) => execFileSync('npm', args, { cwd: example, stdio: 'inherit' });

console.log(`packed ${path.relative(process.cwd(), packLibrary())}`);
// The tarball changes with every build under the same name and version: drop the installed copy
// (and npm's record of its checksum) so the new one is unpacked.
fs.rmSync(path.join(example, 'node_modules', '@txmsg'), { recursive: true, force: true });
fs.rmSync(path.join(example, 'node_modules', '.package-lock.json'), { force: true });
npm('install', '--no-audit', '--no-fund', '--prefer-offline');
checkManifest(path.join(example, 'node_modules', '@txmsg', 'nestjs'));
npm('run', 'build');
npm('run', 'test:e2e');

/**
 * The example lives inside the repository, so Node would also find a package the library forgot to
 * declare in the repository's own node_modules. Every module the installed library requires must
 * be one it declares, and must resolve inside the example.
 */
function checkManifest(installed) {
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

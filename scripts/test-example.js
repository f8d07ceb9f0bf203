#!/usr/bin/env node
// Proves the package from outside: packs @txmsg/nestjs as `npm pack` ships it, installs the
// tarball into examples/orders-stock (a separate npm project, not a workspace, on Fastify), then
// typechecks and builds the example and runs its e2e test against MariaDB and RabbitMQ.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { packLibrary } = require('./pack-lib');

const example = path.resolve(__dirname, '..', 'examples', 'orders-stock');
const npm = (...args) => execFileSync('npm', args, { cwd: example, stdio: 'inherit' });

console.log(`packed ${path.relative(process.cwd(), packLibrary())}`);
// The tarball changes with every build under the same name and version: drop the installed copy
// (and npm's record of its checksum) so the new one is unpacked.
fs.rmSync(path.join(example, 'node_modules', '@txmsg'), { recursive: true, force: true });
fs.rmSync(path.join(example, 'node_modules', '.package-lock.json'), { force: true });
npm('install', '--no-audit', '--no-fund', '--prefer-offline');
npm('run', 'typecheck');
npm('run', 'build');
npm('run', 'test:e2e');

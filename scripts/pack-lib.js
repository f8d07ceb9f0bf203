#!/usr/bin/env node
// Packs the library as a user would receive it: `npm pack` in libs/txmsg (its prepack builds dist/)
// into .pack/, and prints the tarball's path. The example installs exactly this file.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const destination = path.join(root, '.pack');

function packLibrary() {
  fs.rmSync(destination, { recursive: true, force: true });
  fs.mkdirSync(destination, { recursive: true });
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: path.join(root, 'libs', 'txmsg'),
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  // Lifecycle scripts (prepack) print to stdout too; the JSON report is the last thing written.
  const [report] = JSON.parse(output.slice(output.lastIndexOf('\n[\n') + 1));
  return path.join(destination, report.filename);
}

module.exports = { packLibrary };

if (require.main === module) console.log(packLibrary());

'use strict';
// The built services as child processes, and their memory.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { signingEnv } = require('../signing-env');

const root = path.resolve(__dirname, '..', '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `dist/apps/<name>/main.js` (or the built `entry`) with `env` (and `nodeArgs` before the
 * script, e.g. `--cpu-prof`); resolves once it answers HTTP (GET `readyPath`) with 200, or with
 * anything when `readyPath` is null (the naive services have no health endpoint). `onSpawn(child)`
 * runs as soon as the process exists: a service may start working (draining a backlog) before
 * it answers HTTP.
 */
async function startService(
  name,
  env,
  nodeArgs = [],
  { entry = path.join(root, 'dist', 'apps', name, 'main.js'), readyPath = '/health', onSpawn } = {},
) {
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` (npm run bench does).`);
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      ...signingEnv(name),
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onSpawn?.(child);
  const lines = [];
  // BENCH_SERVICE_LOGS=<dir> keeps every line a service writes, appended to <dir>/<name>.log.
  const keep = process.env.BENCH_SERVICE_LOGS;
  if (keep) fs.mkdirSync(keep, { recursive: true });
  const kept = keep && fs.createWriteStream(path.join(keep, `${name}.log`), { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    if (kept) stream.on('data', (chunk) => kept.write(chunk));
    stream.on('data', (chunk) => {
      lines.push(...chunk.split('\n').filter(Boolean));
      if (lines.length > 200) lines.splice(0, lines.length - 200);
    });
  }
  let exited = false;
  child.once('exit', () => (exited = true));
  if (kept) child.once('close', () => kept.end()); // after the last output
  const service = { name, port, url: `http://127.0.0.1:${port}`, child, logs: () => lines.join('\n') };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${name} exited during start-up:\n${service.logs()}`);
    const healthy = await fetch(`${service.url}${readyPath ?? '/'}`, { signal: AbortSignal.timeout(1000) })
      .then((r) => readyPath === null || r.status === 200)
      .catch(() => false);
    if (healthy) return service;
    if (Date.now() > deadline) throw new Error(`${name} not healthy within 60 s:\n${service.logs()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGTERM, then SIGKILL after 15 s. */
function stopService(service) {
  if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => service.child.kill('SIGKILL'), 15_000);
    service.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    service.child.kill('SIGTERM');
  });
}

/** Resident memory of a process in MB (Linux /proc), or undefined. */
function rssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the RSS of each service every 250 ms; `stop()` returns the peak per service. */
function watchMemory(services) {
  const peak = Object.fromEntries(services.map((s) => [s.name, 0]));
  const sample = () => {
    for (const s of services) peak[s.name] = Math.max(peak[s.name], rssMb(s.child.pid) ?? 0);
  };
  sample();
  const timer = setInterval(sample, 250);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}

module.exports = { startService, stopService, rssMb, watchMemory };

#!/usr/bin/env node
// `npm start`: the whole system on one machine. Makes sure the database servers and RabbitMQ are
// up, starts the four BUILT services (dist/) as child processes with their default configuration,
// waits until each one is healthy, shows their status and runs the demo scenarios, then keeps
// running until Ctrl+C (or SIGTERM), which it forwards to the services.
//
// DEMO_DB picks the databases: `mixed` (default) runs bank2 and account on PostgreSQL and bank1
// and pay on MariaDB, so the transfer crosses database engines; `mysql` or `postgres` runs all
// four on one. DB_HOST/DB_PORT/DB_USER/DB_PASSWORD say where MariaDB/MySQL is, PGHOST/PGPORT/
// PGUSER/PGPASSWORD where PostgreSQL is (defaults: the local servers).
// DEMO_VERBOSE=1 shows every log line of the services (default: warnings and errors only).
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');
const { SERVICE_NODE_OPTIONS } = require('./service-node-options');
const { signingEnv } = require('./signing-env');

const root = path.resolve(__dirname, '..');
const verbose = process.env.DEMO_VERBOSE === '1';
/** Each engine's server, as the services on it are told (DB_TYPE, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD). */
const SERVERS = {
  mysql: {
    label: 'MariaDB',
    host: process.env.DB_HOST || '127.0.0.1',
    port: Number(process.env.DB_PORT || 3306),
    user: process.env.DB_USER || 'root',
    password: process.env.DB_PASSWORD || '',
    start: startMariaDb,
  },
  postgres: {
    label: 'PostgreSQL',
    host: process.env.PGHOST || '127.0.0.1',
    port: Number(process.env.PGPORT || 5432),
    user: process.env.PGUSER || 'postgres',
    password: process.env.PGPASSWORD || '',
    start: startPostgres,
  },
};
/** Which engine each service runs on, by DEMO_DB. */
const LAYOUTS = {
  mixed: { bank1: 'mysql', bank2: 'postgres', pay: 'mysql', account: 'postgres' },
  mysql: { bank1: 'mysql', bank2: 'mysql', pay: 'mysql', account: 'mysql' },
  postgres: { bank1: 'postgres', bank2: 'postgres', pay: 'postgres', account: 'postgres' },
};
const layoutName = (process.env.DEMO_DB || 'mixed').toLowerCase();
const engineOf = LAYOUTS[layoutName];
// A cluster's RABBITMQ_URL lists every node; the demo checks the first.
const amqp = new URL((process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672').split(',')[0].trim());
const broker = { host: amqp.hostname, port: Number(amqp.port || 5672) };

const SERVICES = [
  { name: 'bank1', port: 3001 },
  { name: 'bank2', port: 3002 },
  { name: 'pay', port: 3003 },
  { name: 'account', port: 3004 },
];

/**
 * The demo scenarios, run in order once every service is healthy. Each gets `{ services, http,
 * say, payAdmin }`: `services` maps a name to `{ port, url }`, `http(service, method, path, body?, headers?)`
 * answers `{ status, body }`, `say(text)` prints a line, `payAdmin` is the header of pay's admin routes. A scenario that throws is reported; the
 * services keep running.
 */
const scenarios = [
  require('./demo-transfer'), // bank1 -> bank2 transfer
  require('./demo-recharge'), // pay -> account recharge, notified and reconciled
  require('./demo-recharge').atPay, // the same, made at pay directly: account hears of it from pay
];

const children = new Map();
let stopping = false;
/**
 * Every service's admin token (TXMSG_ADMIN_TOKEN, and account's PAY_ADMIN_TOKEN, pay's): the one
 * given, else one made for this run, so the demo's admin routes and operator consoles are never
 * open under a well-known value.
 */
const adminToken =
  process.env.TXMSG_ADMIN_TOKEN || process.env.PAY_ADMIN_TOKEN || randomBytes(18).toString('base64url');

main().catch((error) => {
  say(`\n${error.message}`);
  stopAll(1);
});

async function main() {
  if (!engineOf) throw new Error(`DEMO_DB must be one of ${Object.keys(LAYOUTS).join(', ')}, got "${layoutName}".`);
  const engines = [...new Set(SERVICES.map((s) => engineOf[s.name]))];
  const databases = engines.map((engine) => SERVERS[engine].label).join(' + ');
  say(`txmsg demo: reliable messages and best-effort notification on ${databases} + RabbitMQ\n`);
  assertBuilt();
  for (const engine of engines) await ensureServer(SERVERS[engine].label, SERVERS[engine], SERVERS[engine].start);
  await ensureServer('RabbitMQ', broker, startRabbitMq);

  say(`\nStarting ${SERVICES.map((s) => s.name).join(', ')} from dist/ ...`);
  for (const service of SERVICES) startService(service);
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  const health = await Promise.all(SERVICES.map(waitHealthy));
  printStatus(health);

  const account = await http('bank1', 'GET', '/accounts/1');
  say(`\nbank1 GET /accounts/1 -> ${account.status} ${JSON.stringify(account.body)}`);

  await runScenarios();
  say('\nOperator consoles (log in with the admin token below):');
  for (const { name, port } of SERVICES) say(`  ${name.padEnd(8)} http://127.0.0.1:${port}/txmsg/console`);
  say(`  admin token: ${adminToken}${process.env.TXMSG_ADMIN_TOKEN ? ' (TXMSG_ADMIN_TOKEN)' : ' (made for this run)'}`);
  say('\nAll four services are running. Press Ctrl+C to stop them.');
}

function assertBuilt() {
  const missing = SERVICES.map((s) => entryOf(s.name)).filter((entry) => !fs.existsSync(entry));
  if (missing.length > 0) {
    throw new Error(`Not built: ${missing.join(', ')}. Run \`npm run build\` first (\`npm start\` does both).`);
  }
}

function portOf(service) {
  return SERVICES.find((s) => s.name === service).port;
}

function entryOf(service) {
  return path.join(root, 'dist', 'apps', service, 'main.js');
}

// ---- the database servers and RabbitMQ ---------------------------------------------------

async function ensureServer(label, { host, port }, start) {
  if (await isOpen(host, port)) return say(`  ${label.padEnd(10)} ${host}:${port}  up`);
  const local = host === '127.0.0.1' || host === 'localhost';
  if (!local || !start()) {
    throw new Error(
      `${label} is not reachable at ${host}:${port}. Start it (e.g. \`docker compose up -d\`) and retry.`,
    );
  }
  say(`  ${label.padEnd(10)} ${host}:${port}  was down; starting it ...`);
  await waitUntil(() => isOpen(host, port), 90_000, `${label} to accept connections on ${host}:${port}`);
  say(`  ${label.padEnd(10)} ${host}:${port}  up`);
}

function startMariaDb() {
  if (!fs.existsSync('/usr/sbin/mariadbd')) return false;
  fs.mkdirSync('/run/mysqld', { recursive: true });
  spawnSync('chown', ['mysql:mysql', '/run/mysqld']);
  const started = spawnSync('start-stop-daemon', [
    '--start',
    '--oknodo',
    '--background',
    '--exec',
    '/usr/sbin/mariadbd',
  ]);
  return started.status === 0;
}

/** The machine's PostgreSQL cluster (Debian's pg_ctlcluster), when one is installed. */
function startPostgres() {
  const versions = fs.existsSync('/etc/postgresql') ? fs.readdirSync('/etc/postgresql') : [];
  if (versions.length === 0) return false;
  const args = ['--skip-systemctl-redirect', versions.sort().at(-1), 'main', 'start'];
  const started = spawnSync('pg_ctlcluster', args, { stdio: 'ignore' });
  return !started.error && started.status === 0;
}

function startRabbitMq() {
  const started = spawnSync('rabbitmq-server', ['-detached'], { stdio: 'ignore' });
  return !started.error && started.status === 0;
}

function isOpen(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000);
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

// ---- the services ------------------------------------------------------------------------

function startService({ name, port }) {
  // Each service takes its own defaults: drop the variables that would make all four
  // share one value.
  const env = { ...signingEnv(name), ...process.env };
  delete env.PORT;
  delete env.DB_NAME;
  delete env.DB_URL;
  // The service's engine and that engine's server.
  const server = SERVERS[engineOf[name]];
  Object.assign(env, {
    DB_TYPE: engineOf[name],
    DB_HOST: server.host,
    DB_PORT: String(server.port),
    DB_USER: server.user,
    DB_PASSWORD: server.password,
  });
  if (!env.LOG_LEVEL) env.LOG_LEVEL = verbose ? 'info' : 'warn';
  if (env.NODE_OPTIONS === undefined) env.NODE_OPTIONS = SERVICE_NODE_OPTIONS;
  // account verifies pay's recharge webhooks with it; a demo value unless given.
  if (!env.NOTIFY_SECRET) env.NOTIFY_SECRET = 'txmsg-demo-notify-secret';
  if (name === 'pay') {
    // pay POSTs webhooks only to receivers it was told of, each with its own key: account's
    // webhook path, where account says it listens, signed with the key account verifies.
    const accountUrl = (env.ACCOUNT_PUBLIC_URL || `http://127.0.0.1:${portOf('account')}`).replace(/\/+$/, '');
    if (!env.NOTIFY_SECRETS) env.NOTIFY_SECRETS = `${accountUrl}/notifications/=${env.NOTIFY_SECRET}`;
  }
  // The admin API, the operator console and pay's result list and webhook attempt log take it.
  env.TXMSG_ADMIN_TOKEN = adminToken;
  // account pulls pay's result list with pay's admin token.
  if (name === 'account' && !env.PAY_ADMIN_TOKEN) env.PAY_ADMIN_TOKEN = adminToken;
  const child = spawn(process.execPath, [entryOf(name)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { name, port, child, lines: [], exited: undefined };
  children.set(name, state);
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      state.lines.push(line);
      if (state.lines.length > 200) state.lines.shift();
      const shown = formatLine(name, line);
      if (shown) say(shown);
    });
  }
  child.on('close', (code, signal) => {
    state.exited = { code, signal };
    if (!stopping) {
      say(`\n${name} exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}); stopping the others.`);
      stopAll(1);
    } else if ([...children.values()].every((c) => c.exited)) {
      process.exit(process.exitCode ?? 0);
    }
  });
}

/** `[bank1] WARN  Context: message` for a JSON log line; other lines as they are. */
function formatLine(name, line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return `[${name}] ${line}`;
  }
  const level = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }[entry.level] || 'LOG';
  if (!verbose && entry.level < 40) return undefined;
  const context = entry.context ? `${entry.context}: ` : '';
  const request = entry.req ? `${entry.req.method} ${entry.req.url} -> ${entry.res?.statusCode} ` : '';
  return `[${name.padEnd(7)}] ${level.padEnd(5)} ${context}${request}${entry.msg ?? ''}`;
}

async function waitHealthy({ name }) {
  const state = children.get(name);
  await waitUntil(
    async () => {
      if (state.exited) throw new Error(`${name} exited before it was healthy:\n${state.lines.join('\n')}`);
      const reply = await http(name, 'GET', '/health').catch(() => undefined);
      return reply?.status === 200;
    },
    90_000,
    `${name} to answer GET /health with 200`,
  );
  return { name, health: await http(name, 'GET', '/health') };
}

function printStatus(results) {
  const rows = results.map(({ name, health }) => {
    const details = health.body.details || {};
    return [
      name,
      SERVERS[engineOf[name]].label,
      String(children.get(name).port),
      String(children.get(name).child.pid),
      `${health.status} ${health.body.status}`,
      details.database?.status ?? '?',
      details.broker?.status ?? '?',
    ];
  });
  const header = ['service', 'engine', 'port', 'pid', 'health', 'database', 'broker'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => ('  ' + cells.map((c, i) => c.padEnd(widths[i])).join('  ')).trimEnd();
  say('');
  say(line(header));
  say(line(widths.map((w) => '-'.repeat(w))));
  rows.forEach((row) => say(line(row)));
}

async function runScenarios() {
  if (scenarios.length === 0) {
    say('\nDemo scenarios: none yet (the transfer and recharge demos are added in scripts/demo.js).');
    return;
  }
  const services = Object.fromEntries(
    SERVICES.map((s) => [s.name, { port: s.port, url: `http://127.0.0.1:${s.port}` }]),
  );
  for (const scenario of scenarios) {
    say(`\n== ${scenario.name || 'scenario'} ==`);
    try {
      await scenario({ services, http, say, payAdmin: { authorization: `Bearer ${adminToken}` } });
    } catch (error) {
      say(`scenario ${scenario.name || ''} failed: ${error.message}`);
    }
  }
}

async function http(service, method, urlPath, body, headers = {}) {
  const { port } = SERVICES.find((s) => s.name === service);
  const response = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}

function stopAll(exitCode) {
  if (process.exitCode === undefined || exitCode !== 0) process.exitCode = exitCode;
  if (stopping) return;
  stopping = true;
  const running = [...children.values()].filter((c) => !c.exited);
  if (running.length === 0) process.exit(process.exitCode);
  say('Stopping the services ...');
  for (const { child } of running) child.kill('SIGTERM');
  setTimeout(() => {
    for (const { child, exited } of children.values()) if (!exited) child.kill('SIGKILL');
    process.exit(process.exitCode || 1);
  }, 15_000).unref();
}

// ---- small helpers -----------------------------------------------------------------------

async function waitUntil(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function say(text) {
  process.stdout.write(`${text}\n`);
}

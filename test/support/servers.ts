import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import { waitFor } from '@txmsg/nestjs/testing';
import { Client } from 'pg';
import { rabbitmqctl } from './rabbitmqctl';
import { serverFor, type TestEngine } from './test-databases';

const run = promisify(execFile);

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** Starts MariaDB if it is down (the command of STACK.md) and waits until it answers. */
export async function ensureMariaDb(): Promise<void> {
  if (!(await portOpen(3306))) {
    mkdirSync('/run/mysqld', { recursive: true });
    await run('chown', ['mysql:mysql', '/run/mysqld']).catch(() => undefined);
    await run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd']);
  }
  await waitFor(() => run('mariadb', ['-uroot', '-e', 'SELECT 1']).then(() => true), {
    timeoutMs: 60_000,
    intervalMs: 250,
    description: 'MariaDB answering',
  });
}

/** Whether PostgreSQL accepts connections on 127.0.0.1:5432. */
function postgresReady(): Promise<boolean> {
  return run('pg_isready', ['-q', '-h', '127.0.0.1', '-p', '5432']).then(
    () => true,
    () => false,
  );
}

/**
 * `pg_ctlcluster` on the machine's PostgreSQL cluster (Debian: /etc/postgresql/<version>/main, the
 * newest version if several are installed), without systemd, which a container does not run.
 */
async function pgCluster(action: 'start' | 'stop'): Promise<void> {
  const versions = readdirSync('/etc/postgresql').sort((a, b) => Number(a) - Number(b));
  const version = versions[versions.length - 1];
  if (!version) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], { timeout: 60_000 });
}

/** Starts PostgreSQL if it is down and waits until it accepts connections. */
export async function ensurePostgres(): Promise<void> {
  // An already running cluster makes `start` fail; whether it answers is what counts.
  if (!(await postgresReady())) await pgCluster('start').catch(() => undefined);
  await waitFor(postgresReady, { timeoutMs: 60_000, intervalMs: 250, description: 'PostgreSQL accepting connections' });
}

/** Stops PostgreSQL (every session ends) and starts it again; it is running again when this returns, or throws trying. */
export async function restartPostgres(downMs: number): Promise<void> {
  try {
    // `stop` waits for the shutdown (fast mode: open transactions roll back, sessions are cut).
    await pgCluster('stop');
    await waitFor(async () => !(await postgresReady()), { timeoutMs: 30_000, description: 'PostgreSQL down' });
    await new Promise((resolve) => setTimeout(resolve, downMs)); // the outage itself, not a wait for a condition
  } finally {
    await ensurePostgres();
  }
}

/** Ends every PostgreSQL session connected to one of `databases` (pg_terminate_backend). Returns how many. */
export async function killPostgresConnections(databases: string[]): Promise<number> {
  const client = new Client({ ...serverFor('postgres'), database: 'postgres', connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ killed: boolean }>(
      'SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()',
      [databases],
    );
    return rows.filter((row) => row.killed).length;
  } finally {
    await client.end();
  }
}

/** Starts the RabbitMQ application (and node) if it is down and waits until it answers. */
export async function ensureRabbitMq(): Promise<void> {
  if (!(await portOpen(5672))) {
    await rabbitmqctl('start_app').catch(() => run('rabbitmq-server', ['-detached']));
  }
  await run('rabbitmqctl', ['-q', 'await_startup'], { timeout: 60_000 });
  await waitFor(() => portOpen(5672), { timeoutMs: 60_000, intervalMs: 250, description: 'RabbitMQ listening' });
}

/** Shuts MariaDB down and starts it again; it is running again when this returns, or throws trying. */
export async function restartMariaDb(downMs: number): Promise<void> {
  try {
    await run('mariadb-admin', ['-uroot', 'shutdown']);
    await waitFor(async () => !(await portOpen(3306)), { timeoutMs: 30_000, description: 'MariaDB down' });
    await new Promise((resolve) => setTimeout(resolve, downMs)); // the outage itself, not a wait for a condition
  } finally {
    await ensureMariaDb();
  }
}

/** Stops the RabbitMQ application (every connection drops) and starts it again. */
export async function restartRabbitMq(downMs: number): Promise<void> {
  try {
    await rabbitmqctl('stop_app');
    await new Promise((resolve) => setTimeout(resolve, downMs)); // the outage itself
  } finally {
    await rabbitmqctl('start_app').catch(() => undefined);
    await ensureRabbitMq();
  }
}

/** Forces every client connection of the broker closed. */
export async function closeAllBrokerConnections(): Promise<void> {
  await rabbitmqctl('close_all_connections', 'chaos: forced close');
}

/** Kills every MariaDB connection working in one of `databases`. Returns how many. */
export async function killDbConnections(databases: string[]): Promise<number> {
  const list = databases.map((d) => `'${d.replace(/'/g, '')}'`).join(',');
  const { stdout } = await run('mariadb', [
    '-uroot',
    '-N',
    '-e',
    `SELECT id FROM information_schema.processlist WHERE db IN (${list})`,
  ]);
  const ids = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const id of ids) await run('mariadb', ['-uroot', '-e', `KILL ${Number(id)}`]).catch(() => undefined);
  return ids.length;
}

/** Kills every session working in one of `databases` on `engine`'s server. Returns how many. */
export function killEngineConnections(engine: TestEngine, databases: string[]): Promise<number> {
  return engine === 'postgres' ? killPostgresConnections(databases) : killDbConnections(databases);
}

/** Stops `engine`'s server and starts it again: running again when this returns, or throws trying. */
export function restartDatabaseServer(engine: TestEngine, downMs: number): Promise<void> {
  return engine === 'postgres' ? restartPostgres(downMs) : restartMariaDb(downMs);
}

/** Messages in a queue: ready for delivery, delivered but not yet acknowledged, and its consumers. */
export interface QueueDepth {
  messages: number;
  ready: number;
  unacked: number;
  consumers: number;
}

/** The `rabbitmqctl list_queues` columns a {@link QueueDepth} is read from, in order. */
export const QUEUE_DEPTH_COLUMNS = ['name', 'messages', 'messages_ready', 'messages_unacknowledged', 'consumers'];

/** Queue depths by name, from `list_queues` rows of {@link QUEUE_DEPTH_COLUMNS}. */
export function queueDepthsOf(rows: string[][]): Record<string, QueueDepth> {
  return Object.fromEntries(
    rows.map(([name, messages, ready, unacked, consumers]) => [
      name,
      { messages: Number(messages), ready: Number(ready), unacked: Number(unacked), consumers: Number(consumers) },
    ]),
  );
}

/** The depth of every queue of a vhost. */
export async function queueDepths(vhost: string): Promise<Record<string, QueueDepth>> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', '-p', vhost, ...QUEUE_DEPTH_COLUMNS]);
  const lines = stdout
    .trim()
    .split('\n')
    .filter((l) => l && !/^name\s/.test(l));
  return queueDepthsOf(lines.map((line) => line.trim().split(/\s+/)));
}

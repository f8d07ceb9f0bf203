import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import { waitFor } from '@txmsg/nestjs/testing';
import { rabbitmqctl } from './rabbitmqctl';

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

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';

// The test's own database and RabbitMQ vhost, with random names, so it cannot collide with other
// tests on the same servers. Only this file knows where the servers are.
export const DB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
const run = promisify(execFile);

/** A fresh name for a throw-away test database or vhost. */
export function testName(): string {
  return `t_orders_stock_${randomBytes(4).toString('hex')}`;
}

/** Runs one statement, on the server or in `database`. */
export async function sql<T = Record<string, unknown>[]>(
  statement: string,
  params: unknown[] = [],
  database?: string,
): Promise<T> {
  const connection = await createConnection({ ...DB, database });
  try {
    const [rows] = await connection.query(statement, params);
    return rows as T;
  } finally {
    await connection.end();
  }
}

/**
 * Runs `rabbitmqctl`; RABBITMQCTL overrides the command, e.g.
 * `RABBITMQCTL="docker compose exec -T rabbitmq rabbitmqctl"` when the broker runs in Docker.
 */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const [command, ...prefix] = (process.env.RABBITMQCTL ?? 'rabbitmqctl').split(/\s+/);
  const { stdout } = await run(command, [...prefix, ...args], { timeout: 30_000 });
  return stdout;
}

/** Creates a vhost guest may use; `remove()` deletes it with everything in it. */
export async function createVhost(name: string) {
  await rabbitmqctl('add_vhost', name);
  await rabbitmqctl('set_permissions', '-p', name, 'guest', '.*', '.*', '.*');
  return { uri: `amqp://guest:guest@127.0.0.1:5672/${name}`, remove: () => rabbitmqctl('delete_vhost', name) };
}

/** Messages in a queue, ready or delivered and not yet acknowledged: 0 means every copy was handled. */
export async function queueBacklog(vhost: string, queue: string): Promise<number> {
  const out = await rabbitmqctl('list_queues', '-q', '-p', vhost, 'name', 'messages_ready', 'messages_unacknowledged');
  const line = out.split('\n').find((l) => l.split('\t')[0] === queue);
  if (!line) throw new Error(`queue ${queue} not found in vhost ${vhost}`);
  const [, ready, unacked] = line.split('\t');
  return Number(ready) + Number(unacked);
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createConnection } from 'mysql2/promise';
import type { AppConfig } from '../src/config';
import { createApp } from '../src/main';

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

/**
 * The service in-process on a free port, in a database and a vhost of its own, with `config`
 * over test defaults; `close()` stops it and drops both.
 */
export async function startExample(config: Partial<Omit<AppConfig, 'database'>> = {}) {
  const database = testName();
  const vhostName = testName();
  await sql(`CREATE DATABASE \`${database}\``);
  const vhost = await createVhost(vhostName);
  let app: NestFastifyApplication | undefined;
  try {
    app = await createApp(
      {
        port: 0,
        database: { ...DB, name: database },
        amqpUri: vhost.uri,
        retryLadderMs: [200, 400],
        unpaidTimeoutMs: 60_000,
        ...config,
      },
      ['error'], // failing handlers and their retries are expected in these tests, not news
    );
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app?.close();
    await vhost.remove();
    await sql(`DROP DATABASE IF EXISTS \`${database}\``);
    throw error;
  }
  const url = await app.getUrl();
  const started = app;
  return {
    /** The application itself, to reach a provider (and make it fail) in a test. */
    app: started,
    database,
    vhostName,
    amqpUri: vhost.uri,
    query: <T = Record<string, unknown>[]>(statement: string, params: unknown[] = []) =>
      sql<T>(statement, params, database),
    /** POSTs `body` as JSON to `path`; the status and the parsed answer. */
    post: async <T = Record<string, unknown>>(path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    close: async () => {
      await started.close();
      await vhost.remove();
      await sql(`DROP DATABASE IF EXISTS \`${database}\``);
    },
  };
}

export type Example = Awaited<ReturnType<typeof startExample>>;

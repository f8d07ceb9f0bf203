import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createConnection } from 'mysql2/promise';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { AppConfig } from '../src/app.config.js';
import { AppModule } from '../src/app.module.js';

// The run's own database and RabbitMQ vhost, with random names, so it cannot collide with other
// runs on the same servers. Only this file knows where the servers are.
const DB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
const run = promisify(execFile);

/** A fresh name for a throw-away test database or vhost. */
function testName(): string {
  return `t_nest12_orders_${randomBytes(4).toString('hex')}`;
}

/** Runs one statement, on the server or in `database`. */
async function sql<T = Record<string, unknown>[]>(
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
async function rabbitmqctl(...args: string[]): Promise<string> {
  const [command, ...prefix] = (process.env.RABBITMQCTL ?? 'rabbitmqctl').split(
    /\s+/,
  );
  const { stdout } = await run(command, [...prefix, ...args], {
    timeout: 30_000,
  });
  return stdout;
}

/** Messages in a queue, ready or delivered and not yet acknowledged: 0 means every copy was handled. */
export async function queueBacklog(
  vhost: string,
  queue: string,
): Promise<number> {
  const out = await rabbitmqctl(
    'list_queues',
    '-q',
    '-p',
    vhost,
    'name',
    'messages_ready',
    'messages_unacknowledged',
  );
  const line = out.split('\n').find((l) => l.split('\t')[0] === queue);
  if (!line) throw new Error(`queue ${queue} not found in vhost ${vhost}`);
  const [, ready, unacked] = line.split('\t');
  return Number(ready) + Number(unacked);
}

/**
 * The application booted as the generated e2e test boots it (`Test.createTestingModule`), in a
 * database and a vhost of its own and with a fast retry ladder; `close()` stops it and drops both.
 */
export async function startApp() {
  const database = testName();
  const vhost = testName();
  await sql(`CREATE DATABASE \`${database}\``);
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  const amqpUri = `amqp://guest:guest@127.0.0.1:5672/${vhost}`;
  const dropBoth = async () => {
    await rabbitmqctl('delete_vhost', vhost);
    await sql(`DROP DATABASE IF EXISTS \`${database}\``);
  };
  const config: AppConfig = {
    port: 0,
    database: { ...DB, name: database },
    amqpUri,
    retryLadderMs: [200],
  };
  let app: INestApplication | undefined;
  try {
    const moduleFixture = await Test.createTestingModule({
      imports: [AppModule.forRoot(config)],
    }).compile();
    // A failing first delivery and its retry are expected here, not news.
    app = moduleFixture.createNestApplication({ logger: ['error'] });
    await app.init();
  } catch (error) {
    await app?.close();
    await dropBoth();
    throw error;
  }
  const started = app;
  return {
    app: started,
    vhost,
    amqpUri,
    /** Runs one statement in the app's database. */
    query: <T = Record<string, unknown>[]>(
      statement: string,
      params: unknown[] = [],
    ) => sql<T>(statement, params, database),
    close: async () => {
      await started.close();
      await dropBoth();
    },
  };
}

export type StartedApp = Awaited<ReturnType<typeof startApp>>;

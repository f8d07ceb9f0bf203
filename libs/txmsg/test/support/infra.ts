import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { Client, types } from 'pg';
import { rabbitmqctl } from '../../../../test/support/rabbitmqctl';
import { addVhost, deleteVhost } from '../../../../test/support/vhosts';
import { POSTGRES } from '../../src/store/sql-dialect';
import { DB, ENGINE } from './engine';

// rabbitmqctl() honours RABBITMQCTL (e.g. a broker in Docker), as the cross-service tests do.
export { rabbitmqctl };
export { DB, dialect, ENGINE } from './engine';

/** A unique name for a throw-away test resource; the `t_` prefix marks it as safe to drop. */
export function testName(prefix: string): string {
  return `t_${prefix}_${randomBytes(4).toString('hex')}`;
}

function assertTestName(name: string): void {
  if (!/^t_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to touch "${name}": test resources start with t_`);
}

/** Creates a fresh database on the test engine's server; `drop()` removes it. */
export async function createTestDatabase(prefix: string) {
  const name = testName(prefix);
  assertTestName(name);
  const quoted = ENGINE === 'postgres' ? `"${name}"` : `\`${name}\``;
  await sql(`CREATE DATABASE ${quoted}`);
  // PostgreSQL refuses to drop a database with sessions in it: a pool an aborted test left open
  // would keep it forever, so its sessions are ended first.
  const drop = () => sql(`DROP DATABASE IF EXISTS ${quoted}${ENGINE === 'postgres' ? ' WITH (FORCE)' : ''}`);
  return { name, drop };
}

/**
 * Runs one statement, with `?` placeholders, on the test engine's server (no database selected),
 * or in `database`. Rows come back alike from both engines where the tests compare them: on
 * PostgreSQL bigints (ids, COUNT(*)) are numbers, as mysql2 gives them, and JSON columns their
 * text, as MySQL's text columns hold it.
 */
export async function sql<T = any>(statement: string, params: unknown[] = [], database?: string): Promise<T> {
  if (ENGINE === 'postgres') return pgSql<T>(statement, params, database);
  const connection = await createConnection({ ...DB, database });
  try {
    const [rows] = await connection.query(statement, params);
    return rows as T;
  } finally {
    await connection.end();
  }
}

/** int8 as a number (the tests' counts and ids are far below 2^53), json as its text. */
const mysqlLikeTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === types.builtins.INT8) return (value: string) => Number(value);
    if (oid === types.builtins.JSON) return (value: string) => value;
    return types.getTypeParser(oid, format);
  }) as typeof types.getTypeParser,
};

async function pgSql<T>(statement: string, params: unknown[], database = 'postgres'): Promise<T> {
  const client = new Client({ ...DB, database, types: mysqlLikeTypes });
  await client.connect();
  try {
    return (await client.query(POSTGRES.sql(statement), params)).rows as T;
  } finally {
    await client.end();
  }
}

/** Creates a RabbitMQ vhost for one test file; `uri` points at it, `remove()` deletes it. */
export async function createVhost(prefix: string) {
  const vhost = testName(prefix);
  assertTestName(vhost);
  await addVhost(vhost);
  return {
    vhost,
    uri: `amqp://guest:guest@127.0.0.1:5672/${vhost}`,
    remove: () => deleteVhost(vhost),
  };
}

/** Forces every client connection of a vhost closed, as a broker restart or a network cut would. */
export async function closeConnections(vhost: string): Promise<void> {
  assertTestName(vhost);
  await rabbitmqctl('-q', 'close_all_connections', '--vhost', vhost, 'test: forced close');
}

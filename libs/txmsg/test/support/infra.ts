import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { rabbitmqctl } from '../../../../test/support/rabbitmqctl';
import { addVhost, deleteVhost } from '../../../../test/support/vhosts';

// rabbitmqctl() honours RABBITMQCTL (e.g. a broker in Docker), as the cross-service tests do.
export { rabbitmqctl };

export const DB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

/** A unique name for a throw-away test resource; the `t_` prefix marks it as safe to drop. */
export function testName(prefix: string): string {
  return `t_${prefix}_${randomBytes(4).toString('hex')}`;
}

function assertTestName(name: string): void {
  if (!/^t_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to touch "${name}": test resources start with t_`);
}

/** Creates a fresh database; `drop()` removes it. */
export async function createTestDatabase(prefix: string) {
  const name = testName(prefix);
  assertTestName(name);
  await sql(`CREATE DATABASE \`${name}\``);
  return { name, drop: () => sql(`DROP DATABASE IF EXISTS \`${name}\``) };
}

/** Runs one statement on the server (no database selected), or in `database`. */
export async function sql<T = any>(statement: string, params: unknown[] = [], database?: string): Promise<T> {
  const connection = await createConnection({ ...DB, database });
  try {
    const [rows] = await connection.query(statement, params);
    return rows as T;
  } finally {
    await connection.end();
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

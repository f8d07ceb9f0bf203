import { createHash } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { DatabaseConfig } from '../config/database-config';
import { StartupError } from '../startup/startup-error';

/** Where the service's MariaDB/MySQL server is, for a connection of its own outside TypeORM's pool. */
function serverOf(db: DatabaseConfig) {
  return { host: db.host, port: db.port, user: db.user, password: db.password };
}

/** Creates the database if it is missing and migrations are enabled, then checks it can be used. */
export async function openMysqlDatabase(db: DatabaseConfig, timeoutMs: number): Promise<void> {
  const connection = await createConnection({ ...serverOf(db), connectTimeout: Math.min(timeoutMs, 3000) });
  try {
    if (db.migrate) {
      await connection.query(
        `CREATE DATABASE IF NOT EXISTS \`${db.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
    }
    await connection.query(`USE \`${db.database}\``);
  } finally {
    await connection.end();
  }
}

/**
 * Runs `start` holding a named lock (GET_LOCK) for the database, on a connection of its own: the
 * server releases it when the connection ends, also when the process dies.
 */
export async function withMysqlMigrationLock<T>(
  db: DatabaseConfig,
  waitMs: number,
  start: () => Promise<T>,
): Promise<T> {
  const connection = await createConnection(serverOf(db));
  try {
    // Lock names are limited to 64 characters; database names may be 64 on their own.
    const name = `txmsg-migrate-${createHash('sha1').update(db.database).digest('hex')}`;
    const [rows] = await connection.query('SELECT GET_LOCK(?, ?) AS locked', [
      name,
      Math.max(1, Math.ceil(waitMs / 1000)),
    ]);
    if ((rows as { locked: number | null }[])[0]?.locked !== 1) throw lockTimeout(db);
    return await start();
  } finally {
    await connection.end().catch(() => undefined);
  }
}

/** Another instance held the migration lock for longer than start-up may wait. */
export function lockTimeout(db: DatabaseConfig): StartupError {
  return new StartupError(`Another instance kept migrating database "${db.database}" for longer than STARTUP_WAIT.`);
}

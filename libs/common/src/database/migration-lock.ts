import { createHash } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { DatabaseConfig } from '../config/service.config';
import { serverOf } from './ensure-database';

/**
 * Runs `start` (the app's start-up, during which TypeORM applies pending migrations) holding a
 * MariaDB/MySQL named lock for the database, when migrations are enabled. Instances that start
 * together on a fresh database then migrate one after the other; without it both create
 * TypeORM's `migrations` table and the second exits ("Table 'migrations' already exists"). The
 * lock lives on its own connection: it is released when `start` settles, or by the server if the
 * process dies.
 */
export async function withMigrationLock<T>(db: DatabaseConfig, waitMs: number, start: () => Promise<T>): Promise<T> {
  if (!db.migrate) return start();
  const connection = await createConnection(serverOf(db));
  try {
    // Lock names are limited to 64 characters; database names may be 64 on their own.
    const name = `txmsg-migrate-${createHash('sha1').update(db.database).digest('hex')}`;
    const [rows] = await connection.query('SELECT GET_LOCK(?, ?) AS locked', [
      name,
      Math.max(1, Math.ceil(waitMs / 1000)),
    ]);
    if ((rows as { locked: number | null }[])[0]?.locked !== 1) {
      throw new Error(`another instance kept migrating database "${db.database}" for longer than STARTUP_WAIT`);
    }
    return await start();
  } finally {
    await connection.end().catch(() => undefined);
  }
}

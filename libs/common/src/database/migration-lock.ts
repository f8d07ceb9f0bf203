import type { DatabaseConfig } from '../config/database-config';
import { withMysqlMigrationLock } from './mysql-server';
import { withPostgresMigrationLock } from './postgres-server';

/**
 * Runs `start` (the app's start-up, during which TypeORM applies pending migrations) holding a
 * lock of the database's server, when migrations are enabled: a named lock on MariaDB/MySQL, an
 * advisory lock on PostgreSQL. Instances that start together on a fresh database then migrate
 * one after the other; without it both create TypeORM's `migrations` table and the second exits
 * ("Table 'migrations' already exists"). The lock is released when `start` settles, or by the
 * server if the process dies.
 */
export async function withMigrationLock<T>(db: DatabaseConfig, waitMs: number, start: () => Promise<T>): Promise<T> {
  if (!db.migrate) return start();
  return db.type === 'postgres'
    ? withPostgresMigrationLock(db, waitMs, start)
    : withMysqlMigrationLock(db, waitMs, start);
}

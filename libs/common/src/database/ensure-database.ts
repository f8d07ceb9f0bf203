import { Logger } from '@nestjs/common';
import type { DatabaseConfig } from '../config/database-config';
import { retryUntil } from '../startup/retry-until';
import { openMysqlDatabase } from './mysql-server';
import { openPostgresDatabase } from './postgres-server';

const logger = new Logger('Database');

/** The engine's name as an operator reads it in a log line. */
export function engineName(db: Pick<DatabaseConfig, 'type'>): string {
  return db.type === 'postgres' ? 'PostgreSQL' : 'MariaDB/MySQL';
}

/**
 * Waits (bounded) until the database server answers, then creates the service's database if it
 * is missing and migrations are enabled. Running it twice is harmless.
 */
export async function ensureDatabase(db: DatabaseConfig, waitMs: number): Promise<void> {
  const where = `database "${db.database}" on ${engineName(db)} at ${db.host}:${db.port} (DB_HOST, DB_PORT, DB_USER, DB_NAME, DB_TYPE or DB_URL)`;
  const open = db.type === 'postgres' ? openPostgresDatabase : openMysqlDatabase;
  await retryUntil(where, waitMs, logger, (remainingMs) => open(db, remainingMs));
}

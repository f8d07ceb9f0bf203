import { Logger } from '@nestjs/common';
import { createConnection } from 'mysql2/promise';
import type { DatabaseConfig } from '../config/service.config';
import { retryUntil } from '../startup/retry-until';

const logger = new Logger('Database');

/** Where the service's MariaDB/MySQL server is, for a connection of its own outside TypeORM's pool. */
export function serverOf(db: DatabaseConfig): Pick<DatabaseConfig, 'host' | 'port' | 'user' | 'password'> {
  return { host: db.host, port: db.port, user: db.user, password: db.password };
}

/**
 * Waits (bounded) until the MariaDB/MySQL server answers, then creates the service's database
 * if it is missing and migrations are enabled. Running it twice is harmless.
 */
export async function ensureDatabase(db: DatabaseConfig, waitMs: number): Promise<void> {
  const where = `database "${db.database}" on MariaDB/MySQL at ${db.host}:${db.port} (DB_HOST, DB_PORT, DB_USER, DB_NAME)`;
  await retryUntil(where, waitMs, logger, async (remainingMs) => {
    const connection = await createConnection({ ...serverOf(db), connectTimeout: Math.min(remainingMs, 3000) });
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
  });
}

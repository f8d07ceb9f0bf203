import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseConfig } from '../config/database-config';
import { lockTimeout } from './mysql-server';

/** PostgreSQL's invalid_catalog_name (the database does not exist) and duplicate_database. */
const NO_SUCH_DATABASE = '3D000';
const DUPLICATE_DATABASE = '42P04';
/** Another session creating the same database at the same moment fails on the catalog's unique index. */
const UNIQUE_VIOLATION = '23505';
/** lock_timeout expired while waiting for a lock. */
const LOCK_NOT_AVAILABLE = '55P03';
/** The database every PostgreSQL server has, to connect to when the service's own is missing. */
const MAINTENANCE_DATABASE = 'postgres';

function clientOf(db: DatabaseConfig, database: string, timeoutMs = 3000): Client {
  return new Client({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database,
    connectionTimeoutMillis: Math.min(timeoutMs, 3000),
  });
}

function codeOf(error: unknown): string | undefined {
  return (error as { code?: string } | undefined)?.code;
}

/**
 * Checks the service's database can be used; when it does not exist and migrations are
 * enabled, creates it through the server's `postgres` database (PostgreSQL has no CREATE
 * DATABASE IF NOT EXISTS: pg_database is asked first, and a concurrent creation is tolerated).
 */
export async function openPostgresDatabase(db: DatabaseConfig, timeoutMs: number): Promise<void> {
  try {
    await connectAndEnd(clientOf(db, db.database, timeoutMs));
    return;
  } catch (error) {
    if (codeOf(error) !== NO_SUCH_DATABASE || !db.migrate) throw error;
  }
  const admin = clientOf(db, MAINTENANCE_DATABASE, timeoutMs);
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.database]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${db.database}" ENCODING 'UTF8'`).catch((error: unknown) => {
        if (codeOf(error) !== DUPLICATE_DATABASE && codeOf(error) !== UNIQUE_VIOLATION) throw error;
      });
    }
  } finally {
    await admin.end();
  }
  await connectAndEnd(clientOf(db, db.database, timeoutMs));
}

async function connectAndEnd(client: Client): Promise<void> {
  await client.connect();
  await client.end();
}

/**
 * Runs `start` holding a session-level advisory lock of the database, on a connection of its
 * own (advisory locks are per database): the server releases it when the connection ends, also
 * when the process dies. `lock_timeout` bounds the wait.
 */
export async function withPostgresMigrationLock<T>(
  db: DatabaseConfig,
  waitMs: number,
  start: () => Promise<T>,
): Promise<T> {
  const client = clientOf(db, db.database);
  await client.connect();
  try {
    const key = createHash('sha1').update(`txmsg-migrate-${db.database}`).digest().readBigInt64BE(0);
    await client.query(`SET lock_timeout = ${Math.max(1, Math.ceil(waitMs))}`);
    await client.query('SELECT pg_advisory_lock($1::bigint)', [key.toString()]).catch((error: unknown) => {
      throw codeOf(error) === LOCK_NOT_AVAILABLE ? lockTimeout(db) : error;
    });
    return await start();
  } finally {
    await client.end().catch(() => undefined);
  }
}

import { dialectOf } from '@txmsg/nestjs';
import { createConnection } from 'mysql2/promise';
import { Client, types } from 'pg';

/** The engines a test service can run on (a service's DB_TYPE). */
export type TestEngine = 'mysql' | 'postgres';

export interface TestServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

/**
 * Where each engine's test server is: the services' own DB_* variables from the environment for
 * MariaDB/MySQL (as before), TEST_PG_* for PostgreSQL, else the local defaults.
 */
const SERVERS: Record<TestEngine, TestServer> = {
  mysql: {
    host: process.env.DB_HOST ?? '127.0.0.1',
    port: Number(process.env.DB_PORT ?? 3306),
    user: process.env.DB_USER ?? 'root',
    password: process.env.DB_PASSWORD ?? '',
  },
  postgres: {
    host: process.env.TEST_PG_HOST ?? '127.0.0.1',
    port: Number(process.env.TEST_PG_PORT ?? 5432),
    user: process.env.TEST_PG_USER ?? 'postgres',
    password: process.env.TEST_PG_PASSWORD ?? '',
  },
};

/**
 * BIGINT (and COUNT(*)) as mysql2 returns it to the tests: a number while it is exact, else its
 * text. The services' own pools keep node-postgres's strings.
 */
const INT8 = 20;
function parseInt8(text: string): number | string {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
}
const TEST_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? parseInt8 : types.getTypeParser(oid, format as 'text')) as typeof types.getTypeParser,
};

/** The test server of `engine`. */
export function serverFor(engine: TestEngine): TestServer {
  return SERVERS[engine];
}

/** Throws unless `name` is visibly a throw-away test database, so cleanup can never drop real data. */
export function assertTestDatabase(name: string): void {
  if (!/^(t_|test)/.test(name) || !/^\w{1,63}$/.test(name)) {
    throw new Error(`refusing to use database "${name}" in a test: test databases start with "t_" or "test"`);
  }
}

/**
 * Runs one statement, written with `?` placeholders, in a test database on `engine`'s server.
 * Rows come back as each driver returns them: DECIMAL/NUMERIC and BIGINT as strings on both.
 */
export async function queryTestDatabase<T = any>(
  engine: TestEngine,
  database: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  assertTestDatabase(database);
  if (engine === 'postgres') {
    const client = new Client({ ...SERVERS.postgres, database, connectionTimeoutMillis: 5000, types: TEST_TYPES });
    await client.connect();
    try {
      const statement = dialectOf({ options: { type: 'postgres' } } as never).sql(sql);
      return (await client.query(statement, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const connection = await createConnection({ ...SERVERS.mysql, database, connectTimeout: 5000 });
  try {
    const [rows] = await connection.query(sql, params);
    return rows as T[];
  } finally {
    await connection.end();
  }
}

/** Runs `sql` on `engine`'s server outside any one test database (creating and dropping them). */
async function onServer(engine: TestEngine, sql: string, params: unknown[] = []): Promise<unknown[]> {
  if (engine === 'postgres') {
    const client = new Client({ ...SERVERS.postgres, database: 'postgres', connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  }
  const connection = await createConnection({ ...SERVERS.mysql, connectTimeout: 5000 });
  try {
    const [rows] = await connection.query(sql, params);
    return rows as unknown[];
  } finally {
    await connection.end();
  }
}

/** Drops a test database if it exists (PostgreSQL: also while a killed service's sessions linger). */
export async function dropTestDatabase(engine: TestEngine, database: string): Promise<void> {
  assertTestDatabase(database);
  if (engine === 'postgres') await onServer(engine, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  else await onServer(engine, `DROP DATABASE IF EXISTS \`${database}\``);
}

/** Whether a database of that name exists on `engine`'s server. */
export async function testDatabaseExists(engine: TestEngine, database: string): Promise<boolean> {
  const rows =
    engine === 'postgres'
      ? await onServer(engine, 'SELECT 1 FROM pg_database WHERE datname = $1', [database])
      : await onServer(engine, 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]);
  return rows.length > 0;
}

/** How many sessions are waiting for a lock of the server's lock functions (GET_LOCK, advisory locks). */
export async function lockWaiters(engine: TestEngine): Promise<number> {
  const [row] =
    engine === 'postgres'
      ? await onServer(engine, "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
      : await onServer(
          engine,
          "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT GET_LOCK(%'",
        );
  return Number((row as { n: number | string }).n);
}

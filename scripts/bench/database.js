'use strict';
// The database engine the bench runs on, chosen by BENCH_DB: MariaDB/MySQL (`mysql`, the
// default) or PostgreSQL (`postgres`). Everything the bench does on a database goes through
// here: the services' DB_TYPE and server, the bench's own pools (mysql2 or pg), and the SQL
// fragments of the raw, naive and floor pipelines. Statements are written once with `?`
// placeholders and the library's own dialect fragments, as the library's stores write theirs,
// so the floor asks each engine exactly what txmsg asks it.
const { dialectOf } = require('@txmsg/nestjs');

const ENGINES = {
  mysql: { label: 'MariaDB', driver: 'mysql2', port: 3306, user: 'root' },
  postgres: { label: 'PostgreSQL', driver: 'pg', port: 5432, user: 'postgres' },
};
const ALIASES = { mysql: 'mysql', mariadb: 'mysql', postgres: 'postgres', postgresql: 'postgres', pg: 'postgres' };

const chosen = (process.env.BENCH_DB || 'mysql').trim().toLowerCase();
const name = ALIASES[chosen];
if (!name) throw new Error(`BENCH_DB must be mysql or postgres, got "${process.env.BENCH_DB}"`);
const { label, driver, ...defaults } = ENGINES[name];
const dialect = dialectOf({ options: { type: name } });

/** The server, from the services' own variables (DB_HOST, DB_PORT, DB_USER, DB_PASSWORD), with the engine's defaults. */
const server = {
  host: process.env.DB_HOST || '127.0.0.1',
  port: Number(process.env.DB_PORT || defaults.port),
  user: process.env.DB_USER || defaults.user,
  password: process.env.DB_PASSWORD || '',
};

/** Connections in each service's pool (DB_POOL_SIZE, the services' default 20), the same for every service of the run. */
const servicePoolSize = Number(process.env.DB_POOL_SIZE || 20);

/** What a service needs to run on the same server as the bench. */
const serviceEnv = () => ({
  DB_TYPE: name,
  DB_HOST: server.host,
  DB_PORT: String(server.port),
  DB_USER: server.user,
  DB_PASSWORD: server.password,
  DB_POOL_SIZE: String(servicePoolSize),
});

/**
 * A pool on `database`: `query(statement, params)` → `{ rows, affected }` (statement with `?`
 * placeholders), `transaction(work)` (work gets `{ query }` on one connection, committed when
 * it resolves, rolled back when it throws), `insertRows(table, columns, rows)`, `open(n)` (n
 * connections made ready before a timed phase, so it does not time their set-up), `end()`.
 * Each engine's default isolation level, as the services' transactions have.
 */
function pool(database, connectionLimit) {
  return name === 'postgres' ? postgresPool(database, connectionLimit) : mysqlPool(database, connectionLimit);
}

function mysqlPool(database, connectionLimit) {
  const mysql = require('mysql2/promise');
  const p = mysql.createPool({ ...server, database, connectionLimit, supportBigNumbers: true, bigNumberStrings: true });
  const on = (runner) => async (statement, params) => {
    const [result] = await runner.query(statement, params);
    return Array.isArray(result)
      ? { rows: result, affected: result.length }
      : { rows: [], affected: result.affectedRows };
  };
  const query = on(p);
  return {
    query,
    async transaction(work) {
      const connection = await p.getConnection();
      try {
        await connection.beginTransaction();
        const result = await work({ query: on(connection) });
        await connection.commit();
        return result;
      } catch (error) {
        await connection.rollback().catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
    insertRows: (table, columns, rows) =>
      query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [rows.map((row) => [...row])]),
    open: (n) => openConnections(n, () => p.getConnection()),
    end: () => p.end(),
  };
}

/** Takes `n` connections at once from a pool, then gives them back. */
async function openConnections(n, take) {
  const connections = await Promise.all(Array.from({ length: n }, take));
  for (const connection of connections) connection.release();
}

/**
 * PostgreSQL spends a process on every connection, and its default max_connections (100) is
 * less than the four services' pools and the bench's together: idle connections go back to the
 * server after a second, so a phase leaves room for the next.
 */
const POSTGRES_IDLE_MS = 1000;

function postgresPool(database, max) {
  const pg = require('pg');
  const p = new pg.Pool({
    ...server,
    database,
    max,
    idleTimeoutMillis: POSTGRES_IDLE_MS,
    application_name: 'txmsg-bench',
  });
  // A connection the server drops (the bench's own DROP DATABASE … WITH (FORCE) after a failure)
  // must not crash the bench: its error reaches the statement running on it, if any.
  p.on('error', () => undefined);
  p.on('connect', (client) => client.on('error', () => undefined));
  const on = (runner) => async (statement, params) => {
    const result = await runner.query(dialect.sql(statement), params);
    return { rows: result.rows ?? [], affected: result.rowCount ?? 0 };
  };
  const query = on(p);
  return {
    query,
    async transaction(work) {
      const client = await p.connect();
      let broken;
      try {
        // The statement TypeORM opens a transaction with on PostgreSQL.
        await client.query('START TRANSACTION');
        const result = await work({ query: on(client) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    insertRows(table, columns, rows) {
      const values = rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
      return query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, rows.flat());
    },
    open: (n) => openConnections(n, () => p.connect()),
    end: () => p.end(),
  };
}

/** Drops each bench database if it exists (PostgreSQL: closing whatever is still connected to it). */
async function dropDatabases(names) {
  if (name === 'postgres') {
    const pg = require('pg');
    const admin = new pg.Client({ ...server, database: 'postgres' });
    await admin.connect();
    try {
      for (const database of names) await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    return;
  }
  const mysql = require('mysql2/promise');
  const admin = await mysql.createConnection(server);
  try {
    for (const database of names) await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await admin.end();
  }
}

/**
 * The server's version and durability settings, for the record: `durable` is false when a
 * commit may return before its log is on disk, `summary` one line to print.
 */
async function serverFacts(pool) {
  if (name === 'postgres') {
    const { rows } = await pool.query(
      `SELECT name, setting FROM pg_settings
        WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method',
                       'shared_buffers', 'max_connections')`,
    );
    const settings = Object.fromEntries(rows.map((r) => [r.name, r.setting]));
    const durable = settings.fsync === 'on' && settings.synchronous_commit !== 'off';
    const summary = `PostgreSQL ${settings.server_version}: fsync=${settings.fsync}, synchronous_commit=${settings.synchronous_commit}, full_page_writes=${settings.full_page_writes}, wal_sync_method=${settings.wal_sync_method}, max_connections=${settings.max_connections}`;
    return { engine: label, settings, durable, summary, durabilityNote: 'fsync is off or synchronous_commit is off' };
  }
  const { rows } = await pool.query(
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN
       ('version', 'innodb_flush_log_at_trx_commit', 'sync_binlog', 'log_bin', 'innodb_buffer_pool_size', 'innodb_doublewrite')`,
  );
  const settings = Object.fromEntries(rows.map((v) => [v.Variable_name, v.Value]));
  const durable = settings.innodb_flush_log_at_trx_commit === '1';
  const summary = `MariaDB ${settings.version}: innodb_flush_log_at_trx_commit=${settings.innodb_flush_log_at_trx_commit}, log_bin=${settings.log_bin}, sync_binlog=${settings.sync_binlog}`;
  return { engine: label, settings, durable, summary, durabilityNote: 'innodb_flush_log_at_trx_commit is not 1' };
}

/** Connections the server allows beside those already open, or undefined where the bench cannot tell. */
async function connectionsLeft(pool) {
  if (name !== 'postgres') return undefined;
  const { rows } = await pool.query(
    `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
            - (SELECT COUNT(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS n`,
  );
  return Number(rows[0].n);
}

/**
 * Waits (up to `timeoutMs`) until the server takes `n` more connections: on PostgreSQL the
 * services' pools give theirs back some seconds after their phase. True when there is room, or
 * when the engine has no such limit to mind.
 */
async function roomFor(pool, n, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A server already full refuses even this question (too_many_connections): no room.
    const left = await connectionsLeft(pool).catch((error) => {
      if (error.code === '53300') return 0;
      throw error;
    });
    if (left === undefined || left >= n) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Deadlocks counted so far: PostgreSQL's in the bench `databases` (pg_stat_database, which a
 * backend updates within a second or so of its transaction); MariaDB's server-wide
 * (Innodb_deadlocks), so another program's count there too.
 */
async function deadlocks(pool, databases) {
  if (name === 'postgres') {
    const { rows } = await pool.query(
      `SELECT COALESCE(SUM(deadlocks), 0) AS n FROM pg_stat_database WHERE ${dialect.anyOf('datname')}`,
      [databases],
    );
    return Number(rows[0].n);
  }
  const { rows } = await pool.query("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'");
  return rows.length === 0 ? undefined : Number(rows[0].Value);
}

/** Microseconds from timestamp expression `from` to `to`. */
const microsBetween = (from, to) =>
  name === 'postgres'
    ? `(EXTRACT(EPOCH FROM (${to} - ${from})) * 1000000)`
    : `TIMESTAMPDIFF(MICROSECOND, ${from}, ${to})`;

/** A timestamp column as milliseconds since the epoch (to the millisecond the columns hold). */
const epochMs = (column) =>
  name === 'postgres' ? `(EXTRACT(EPOCH FROM ${column}) * 1000)` : `(UNIX_TIMESTAMP(${column}) * 1000)`;

/**
 * `insert` (one row, `INSERT … VALUES (…)`) as the library and the services write it where a
 * duplicate must not end the transaction: on PostgreSQL skipped by `ON CONFLICT (conflict) DO
 * NOTHING RETURNING 1`, on MariaDB/MySQL the plain INSERT (a duplicate there is an error that
 * leaves the transaction usable). `inserted(result)` reads whether the row went in.
 */
function insertUnlessDuplicate(insert, conflict, alias) {
  if (name === 'postgres') {
    return {
      statement: `${insert} ON CONFLICT (${conflict}) DO NOTHING RETURNING 1 AS ${alias}`,
      inserted: (result) => result.rows.length === 1,
    };
  }
  return { statement: insert, inserted: (result) => result.affected === 1 };
}

module.exports = {
  name,
  label,
  driver,
  dialect,
  server,
  serviceEnv,
  servicePoolSize,
  pool,
  dropDatabases,
  serverFacts,
  connectionsLeft,
  roomFor,
  deadlocks,
  microsBetween,
  epochMs,
  insertUnlessDuplicate,
};

import { MYSQL, POSTGRES, type DialectName, type SqlDialect } from '../../src/store/sql-dialect';

/**
 * The database engine the library's e2e files run on: `TXMSG_TEST_DB=mysql` (MariaDB on 3306, the
 * default) or `TXMSG_TEST_DB=postgres` (PostgreSQL on 5432). Read once, when the first test module
 * loads: the `e2e-postgres` jest project sets it in a setup file that runs before any.
 */
export const ENGINE: DialectName = engineFromEnv();

/** The library's dialect for {@link ENGINE}: for statements the tests send through the app's DataSource. */
export const dialect: SqlDialect = ENGINE === 'postgres' ? POSTGRES : MYSQL;

/** Where the test server of {@link ENGINE} listens, and who the tests are on it. */
export const DB =
  ENGINE === 'postgres'
    ? { host: '127.0.0.1', port: 5432, user: 'postgres', password: '' }
    : { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

function engineFromEnv(): DialectName {
  const chosen = process.env.TXMSG_TEST_DB ?? 'mysql';
  if (chosen === 'mysql' || chosen === 'postgres') return chosen;
  throw new Error(`TXMSG_TEST_DB must be mysql or postgres, not "${chosen}"`);
}

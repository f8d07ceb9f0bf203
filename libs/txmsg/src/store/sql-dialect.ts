import type { DataSource } from 'typeorm';

/** The database engines the library speaks. */
export type DialectName = 'mysql' | 'postgres';

/**
 * What differs between the engines the library supports, for the stores' statements. Stores
 * write SQL once, with `?` placeholders and the fragments below, and run it through {@link sql};
 * a statement that cannot be written portably is written once per engine inside its store.
 */
export interface SqlDialect {
  readonly name: DialectName;
  /** The statement with its `?` placeholders in the driver's syntax (`$1`, `$2`… for PostgreSQL). */
  sql(statement: string): string;
  /** The current time, to the millisecond, as of the statement (not the transaction). */
  readonly now: string;
  /** The current time plus a `?` parameter given in microseconds. */
  readonly nowPlusMicros: string;
  /** `column` matching any element of a `?` array parameter (never empty). */
  anyOf(column: string): string;
  /** Appended to a SELECT: a shared row lock. */
  readonly forShare: string;
  /** A JSON-holding column read back as the exact text that was written. */
  jsonText(column: string): string;
  /** Milliseconds from a timestamp expression to now. */
  msSince(expression: string): string;
}

export const MYSQL: SqlDialect = {
  name: 'mysql',
  sql: (statement) => statement,
  now: 'NOW(3)',
  nowPlusMicros: 'DATE_ADD(NOW(3), INTERVAL ? MICROSECOND)',
  anyOf: (column) => `${column} IN (?)`,
  forShare: 'LOCK IN SHARE MODE',
  jsonText: (column) => column,
  msSince: (expression) => `TIMESTAMPDIFF(MICROSECOND, ${expression}, NOW(3)) / 1000`,
};

const placeholders = new Map<string, string>();

/** `?` → `$n`, outside quoted literals and identifiers; memoised, as the stores' statements are constants. */
function numberPlaceholders(statement: string): string {
  let numbered = placeholders.get(statement);
  if (numbered !== undefined) return numbered;
  let n = 0;
  numbered = statement.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?/g, (token) => (token === '?' ? `$${++n}` : token));
  if (placeholders.size < 1000) placeholders.set(statement, numbered);
  return numbered;
}

export const POSTGRES: SqlDialect = {
  name: 'postgres',
  sql: numberPlaceholders,
  now: 'statement_timestamp()',
  nowPlusMicros: `(statement_timestamp() + CAST(? AS double precision) * INTERVAL '1 microsecond')`,
  anyOf: (column) => `${column} = ANY(?)`,
  forShare: 'FOR SHARE',
  jsonText: (column) => `${column}::text`,
  msSince: (expression) => `EXTRACT(EPOCH FROM (statement_timestamp() - ${expression})) * 1000`,
};

/**
 * The dialect of the host's TypeORM `DataSource`: MySQL and MariaDB (`mysql`, `mariadb`) or
 * PostgreSQL (`postgres`). Any other engine is refused with the list of those supported.
 */
export function dialectOf(dataSource: Pick<DataSource, 'options'>): SqlDialect {
  switch (dataSource.options.type) {
    case 'mysql':
    case 'mariadb':
      return MYSQL;
    case 'postgres':
      return POSTGRES;
    default:
      throw new Error(
        `txmsg supports MySQL/MariaDB (type "mysql" or "mariadb") and PostgreSQL (type "postgres"); the DataSource is of type "${dataSource.options.type}"`,
      );
  }
}

import { ENGINE } from './engine';

/**
 * Pieces of the tests' own SQL (rows written or read behind the library's back) that no statement
 * can spell the same on both engines. Each takes or yields SQL text with `?` placeholders.
 */
const pg = ENGINE === 'postgres';

/** A timestamp `?` seconds before now. */
export const SECONDS_AGO = pg
  ? `(now() - CAST(? AS double precision) * INTERVAL '1 second')`
  : '(NOW(3) - INTERVAL ? SECOND)';

/** A timestamp `?` seconds after now. */
export const SECONDS_AHEAD = pg
  ? `(now() + CAST(? AS double precision) * INTERVAL '1 second')`
  : '(NOW(3) + INTERVAL ? SECOND)';

/** The text of the top-level string field `key` of a JSON column. */
export const jsonField = (column: string, key: string) =>
  pg ? `(${column}->>'${key}')` : `JSON_VALUE(${column}, '$.${key}')`;

/**
 * A failed message's body as `txmsg_inbox_failure.body` keeps it, from a text expression: base64
 * text on MySQL/MariaDB, bytes (UTF-8) on PostgreSQL.
 */
export const storedBody = (text: string) => (pg ? `convert_to(${text}, 'UTF8')` : `TO_BASE64(${text})`);

/** The number of body bytes a `txmsg_inbox_failure` row keeps. */
export const keptBodyBytes = (column: string) => (pg ? `octet_length(${column})` : `LENGTH(FROM_BASE64(${column}))`);

/** A row source of the integers 1..n in a column `seq`. */
export const series = (n: number) => (pg ? `generate_series(1, ${Number(n)}) AS seq` : `seq_1_to_${Number(n)}`);

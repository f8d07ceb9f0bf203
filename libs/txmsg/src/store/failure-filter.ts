import type { FailureFilter } from './failure-rows';
import type { SqlDialect } from './sql-dialect';

/**
 * The WHERE conditions of `filter` over `txmsg_inbox_failure`, with their parameters, for the
 * statements of {@link FailureStore}. The substring search compares bytes on both engines (the
 * MySQL tables' collation would otherwise make it caseless there only); bodies are decoded first
 * on MySQL, which keeps them as base64.
 */
export function failureConditions(d: SqlDialect, filter: FailureFilter): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.status !== undefined) {
    conditions.push('status = ?');
    params.push(filter.status);
  }
  if (filter.consumer !== undefined) {
    conditions.push('consumer = ?');
    params.push(filter.consumer);
  }
  if (filter.reason !== undefined) {
    conditions.push('reason = ?');
    params.push(filter.reason);
  }
  if (filter.fingerprint === null) conditions.push('fingerprint IS NULL');
  else if (filter.fingerprint !== undefined) {
    conditions.push('fingerprint = ?');
    params.push(filter.fingerprint);
  }
  if (filter.search !== undefined) {
    const inError = d.name === 'postgres' ? 'strpos(last_error, ?) > 0' : 'LOCATE(?, CAST(last_error AS BINARY)) > 0';
    const inBody =
      d.name === 'postgres' ? 'position(CAST(? AS bytea) IN body) > 0' : 'LOCATE(?, FROM_BASE64(body)) > 0';
    conditions.push(`(message_id = ? OR routing_key = ? OR ${inError} OR ${inBody})`);
    const search = filter.search;
    params.push(search, search, search, d.name === 'postgres' ? Buffer.from(search, 'utf8') : search);
  }
  return { conditions, params };
}

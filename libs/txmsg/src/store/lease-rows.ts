import type { DataSource } from 'typeorm';
import { claimRows } from './claim-rows';
import type { SqlDialect } from './sql-dialect';

/**
 * Leases due rows for work that crosses the network (a publish, an HTTP call): in one short
 * transaction, claims them with `select` (which must end in `FOR UPDATE SKIP LOCKED` and return
 * `id`) and moves their `next_attempt_at` `leaseMs` ahead; then commits and returns them. The
 * caller does its I/O with no transaction open — a broker or a receiver that hangs never holds
 * row locks or a pooled connection — and records the outcome afterwards with conditional updates.
 * A lease that runs out (the process died, the I/O hung past its timeout) makes the row due again
 * for any instance, so the work is done at least once.
 *
 * `leaseMs` must exceed the longest the I/O can take (its timeout, plus a margin), or a second
 * instance may do the same work while the first is still at it. `alsoSet` is an extra assignment
 * made with the lease (`check_count = check_count + 1`); the rows are returned as selected, before it.
 * `select` is written with `?` placeholders; it is put into `dialect`'s syntax here.
 */
export async function leaseRows<R extends { id: string | number }>(
  dataSource: DataSource,
  dialect: SqlDialect,
  table: string,
  select: string,
  params: unknown[],
  leaseMs: number,
  alsoSet?: string,
): Promise<R[]> {
  let leased: R[] = [];
  const set = `next_attempt_at = ${dialect.nowPlusMicros}${alsoSet ? `, ${alsoSet}` : ''}`;
  const update = dialect.sql(`UPDATE ${table} SET ${set} WHERE ${dialect.anyOf('id')}`);
  await claimRows<R>(dataSource, dialect.sql(select), params, async (em, rows) => {
    await em.query(update, [leaseMs * 1000, rows.map((row) => row.id)]);
    leased = rows;
  });
  return leased;
}

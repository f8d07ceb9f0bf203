import type { DataSource, EntityManager } from 'typeorm';

/**
 * Claims due rows and handles them in one transaction: runs `select` (which must end in
 * `FOR UPDATE SKIP LOCKED`) and passes the rows to `handle` with the transaction's manager.
 * The claim is the row lock, released when the transaction ends — or by the database, if the
 * process dies — so concurrent instances never work on the same row.
 *
 * READ COMMITTED: under REPEATABLE READ the locking scan takes gap locks that deadlock
 * concurrent claimers when the handled rows change status.
 * @returns how many rows were claimed.
 */
export async function claimRows<R>(
  dataSource: DataSource,
  select: string,
  params: unknown[],
  handle: (em: EntityManager, rows: R[]) => Promise<void>,
): Promise<number> {
  if (!/FOR UPDATE SKIP LOCKED\s*$/.test(select)) throw new Error('claimRows needs a SELECT … FOR UPDATE SKIP LOCKED');
  return dataSource.transaction('READ COMMITTED', async (em) => {
    const rows: R[] = await em.query(select, params);
    if (rows.length > 0) await handle(em, rows);
    return rows.length;
  });
}

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
 */
export async function leaseRows<R extends { id: string | number }>(
  dataSource: DataSource,
  table: string,
  select: string,
  params: unknown[],
  leaseMs: number,
  alsoSet?: string,
): Promise<R[]> {
  let leased: R[] = [];
  const set = `next_attempt_at = DATE_ADD(NOW(3), INTERVAL ? MICROSECOND)${alsoSet ? `, ${alsoSet}` : ''}`;
  await claimRows<R>(dataSource, select, params, async (em, rows) => {
    await em.query(`UPDATE ${table} SET ${set} WHERE id IN (?)`, [leaseMs * 1000, rows.map((row) => row.id)]);
    leased = rows;
  });
  return leased;
}

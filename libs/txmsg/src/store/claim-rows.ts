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

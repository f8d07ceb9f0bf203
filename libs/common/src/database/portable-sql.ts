import { dialectOf, isDuplicateKeyError, type SqlDialect } from '@txmsg/nestjs';
import type { EntityManager } from 'typeorm';

/** The SQL dialect of the database `em` works on (MariaDB/MySQL or PostgreSQL). */
export function dialectFor(em: EntityManager): SqlDialect {
  return dialectOf(em.connection);
}

/**
 * Runs `statement`, written once with `?` placeholders, on whichever engine `em` works on, in
 * `em`'s transaction if it has one. The result is the driver's: rows for a SELECT; for an
 * UPDATE or DELETE, what {@link affectedRows} reads.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows typed by the caller, as EntityManager.query's
export function runSql<T = any>(em: EntityManager, statement: string, params: unknown[] = []): Promise<T> {
  return em.query(dialectFor(em).sql(statement), params);
}

/**
 * Runs an `INSERT … VALUES (…)` of one row unless a row with the same unique key
 * (`conflictColumns`) exists; true if it inserted. Safe in the middle of a transaction on both
 * engines: PostgreSQL aborts a whole transaction at a failed statement, so there the duplicate
 * is skipped by `ON CONFLICT DO NOTHING` and never raised; MariaDB/MySQL roll back only the
 * failed statement, and keep the plain INSERT rather than INSERT IGNORE, which would also turn
 * other errors (a CHECK, a truncation) into warnings.
 */
export async function insertUnlessDuplicate(
  em: EntityManager,
  statement: string,
  params: unknown[],
  conflictColumns: string,
): Promise<boolean> {
  const dialect = dialectFor(em);
  if (dialect.name === 'postgres') {
    const inserted: unknown[] = await em.query(
      dialect.sql(`${statement} ON CONFLICT (${conflictColumns}) DO NOTHING RETURNING 1 AS inserted`),
      params,
    );
    return inserted.length === 1;
  }
  try {
    await em.query(statement, params);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/**
 * Rows an UPDATE/DELETE run through `EntityManager.query` matched: mysql2's result header (the
 * driver sets FOUND_ROWS, so a row set to its current values still counts) or TypeORM's
 * `[rows, count]` on PostgreSQL. Conditional updates read it to learn whether they won.
 */
export function affectedRows(result: unknown): number {
  if (Array.isArray(result)) {
    const [first, second] = result as unknown[];
    return typeof second === 'number' ? second : affectedRows(first);
  }
  return (result as { affectedRows?: number } | undefined)?.affectedRows ?? 0;
}

/** Rows changed by an UPDATE/DELETE run through `EntityManager.query` (mysql2 result header). */
export function affectedRows(result: unknown): number {
  if (Array.isArray(result)) {
    const [first, second] = result as unknown[];
    if (typeof second === 'number') return second;
    return affectedRows(first);
  }
  const header = result as { affectedRows?: number } | undefined;
  return header?.affectedRows ?? 0;
}

import type { DataSource } from 'typeorm';
import { affectedRows } from '../support/affected-rows';

/**
 * Runs a bounded statement (`sql` ends in `LIMIT ?`, its other parameter is an age in
 * microseconds) until it changes fewer than `batchSize` rows, each run its own transaction, so
 * none holds many row locks. Returns the rows changed in all.
 */
export async function changeInBatches(
  dataSource: DataSource,
  sql: string,
  micros: number,
  batchSize: number,
): Promise<number> {
  let total = 0;
  for (;;) {
    const changed = affectedRows(await dataSource.query(sql, [micros, batchSize]));
    total += changed;
    if (changed < batchSize) return total;
  }
}

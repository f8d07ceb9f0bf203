import { crashIf } from '../support/crash-point';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import type { AttemptedRow, OutboxPublisher } from './outbox-publisher';

/**
 * Publishes leased rows in parallel, then records the outcomes: one UPDATE marks every row
 * published, and the failed ones are postponed, one UPDATE per failure reason and back-off step.
 */
export async function publishBatch(
  publisher: OutboxPublisher,
  rows: AttemptedRow[],
  crashPoint: ResolvedTxMsgOptions['crashPoint'],
): Promise<void> {
  crashIf(crashPoint, 'relay-before-publish');
  const results = await Promise.allSettled(rows.map((row) => publisher.publish(row)));
  const sent = rows.filter((_, i) => results[i].status === 'fulfilled');
  if (sent.length > 0) {
    crashIf(crashPoint, 'relay-after-publish');
    await publisher.markPublished(sent.map((row) => row.message_id));
  }
  const failed = new Map<string, { reason: unknown; rows: AttemptedRow[] }>();
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') return;
    const key = result.reason instanceof Error ? result.reason.message : String(result.reason);
    const same = failed.get(key);
    if (same) same.rows.push(rows[i]);
    else failed.set(key, { reason: result.reason, rows: [rows[i]] });
  });
  for (const { reason, rows: same } of failed.values()) await publisher.postpone(same, reason);
}

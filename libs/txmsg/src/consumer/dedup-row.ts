import type { EntityManager } from 'typeorm';
import { isDuplicateKeyError } from '../support/deadlock';

/**
 * What {@link insertDedupRow} found: a fresh key (the effect is to be applied now), a duplicate
 * (the same body was applied before), or a conflict (another body was applied under this key;
 * its hash is given).
 */
export type DedupOutcome = 'fresh' | 'duplicate' | { conflictsWith: string };

/**
 * Inserts the dedup row `(consumer, key)` with the body's hash in the transaction of `em`. When
 * the row exists, the effect of an earlier delivery was already applied (and committed): a
 * duplicate if its body had the same hash (or was applied before hashes were kept), else a
 * conflict nobody may silently take for a duplicate.
 */
export async function insertDedupRow(
  em: Pick<EntityManager, 'query'>,
  consumer: string,
  key: string,
  messageId: string,
  payloadHash: string,
): Promise<DedupOutcome> {
  try {
    await em.query(`INSERT INTO txmsg_dedup (consumer, dedup_key, message_id, payload_hash) VALUES (?, ?, ?, ?)`, [
      consumer,
      key,
      messageId,
      payloadHash,
    ]);
    return 'fresh';
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  // A locking read: it sees the committed row even where the transaction's snapshot is older.
  const [row] = await em.query(
    `SELECT payload_hash FROM txmsg_dedup WHERE consumer = ? AND dedup_key = ? LOCK IN SHARE MODE`,
    [consumer, key],
  );
  const applied = (row?.payload_hash as string | null | undefined) ?? null;
  return applied === null || applied === payloadHash ? 'duplicate' : { conflictsWith: applied };
}

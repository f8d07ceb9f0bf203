import type { EntityManager } from 'typeorm';
import { isDuplicateKeyError } from '../support/deadlock';

/**
 * Inserts the dedup row `(consumer, key)` in the transaction of `em`; false when it exists, i.e.
 * the effect of this delivery was already applied (and committed) by an earlier one.
 */
export async function insertDedupRow(
  em: Pick<EntityManager, 'query'>,
  consumer: string,
  key: string,
  messageId: string,
): Promise<boolean> {
  try {
    await em.query(`INSERT INTO txmsg_dedup (consumer, dedup_key, message_id) VALUES (?, ?, ?)`, [
      consumer,
      key,
      messageId,
    ]);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

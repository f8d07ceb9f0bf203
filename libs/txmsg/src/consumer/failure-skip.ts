import { Injectable } from '@nestjs/common';
import type { MessageProperties } from 'amqplib';
import { HeldSender } from '../ordering/held-sender';
import { orderingOf } from '../ordering/ordering-headers';
import { DedupStore } from '../store/dedup-store';
import type { FailureRecord } from '../store/failure-rows';
import { FailureStore } from '../store/failure-store';
import { OrderingStore } from '../store/ordering-store';
import { propertiesOf } from './to-failed-message';

/** A parked message a skip cannot record as handled; nothing was changed. */
export class SkipRefusedError extends Error {
  override readonly name = 'SkipRefusedError';
}

/**
 * Skipping a parked message: giving up on it on purpose. Unlike a purge, which only deletes its
 * row (a redelivery is then handled as new), a skip records it as handled without running its
 * handler, so a redelivery is a duplicate and does nothing; an ordered key that waits for it goes
 * on past it.
 */
@Injectable()
export class FailureSkip {
  constructor(
    private readonly store: FailureStore,
    private readonly dedup: DedupStore,
    private readonly ordering: OrderingStore,
    private readonly heldSender: HeldSender,
  ) {}

  /**
   * Skips the parked message of `id`: its dedup row written and its failure row (with its
   * attempts) deleted in one transaction; then, when its ordering key waits for it, the key's
   * cursor moved past it in a transaction of its own (should that fail, the key is skipped as
   * any blocked key is, with the ordering admin API). Returns 1, or 0 when no parked message has
   * that id.
   * @throws SkipRefusedError when it has no dedup key (it failed before its key was known, or was
   * recorded before keys were kept) or another body was applied under its key.
   */
  async skip(id: string): Promise<number> {
    const skipped = await this.store.takeParked(id, async (em, row) => {
      if (row.dedup_key === null) {
        throw new SkipRefusedError(
          `message ${row.message_id} (${row.reason ?? 'parked'}) failed before its dedup key was known, so it cannot be recorded as handled: delete it instead`,
        );
      }
      const outcome = await this.dedup.record(em, row.consumer, row.dedup_key, row.message_id, row.payload_hash);
      if (typeof outcome === 'object') {
        throw new SkipRefusedError(
          `dedup key ${row.dedup_key} was applied from another body (sha256 ${outcome.conflictsWith}), so this one cannot be recorded as handled: delete it instead`,
        );
      }
    });
    if (!skipped) return 0;
    await this.passOrderingKey(skipped);
    return 1;
  }

  /** Moves the cursor of the message's ordering key past it when that key waits for it, as a park with `skipOnPark` does. */
  private async passOrderingKey(row: FailureRecord): Promise<void> {
    const properties = propertiesOf(row.properties) as Partial<MessageProperties> as MessageProperties;
    const position = orderingOf({ properties });
    if (position === undefined || typeof position === 'string') return;
    const { source, key, seq } = position;
    const cursor = await this.ordering.cursor(row.consumer, source, key);
    if (cursor?.lastSeq !== seq - 1) return;
    if (await this.ordering.skipTo(row.consumer, source, key, seq)) this.heldSender.wake();
  }
}

import type { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DedupOutcome } from '../store/dedup-store';
import { type OrderingCursor, type OrderingStore, cursorId } from '../store/ordering-store';
import type { OrderingPosition } from './ordering-headers';

/** What an ordered consumer did with a delivery: as a dedup outcome, or held back for its predecessor. */
export type OrderedOutcome = DedupOutcome | 'held';

/** A delivery of an ordered consumer, as {@link OrderedBatch} needs it. */
export interface OrderedItem {
  consumer: string;
  queue: string;
  position: OrderingPosition;
  messageId: string;
  /** The AMQP properties as received, as JSON, and the body: what is kept of a held message. */
  properties: () => string;
  body: Buffer;
}

/**
 * The ordered deliveries of one transaction: their cursors locked at the start (in one order, so
 * two consumer instances cannot deadlock on them), each delivery applied only when it is the next
 * of its key, written back at the end.
 *
 * The next one (sequence = last applied + 1) is applied; one already passed is a duplicate, or —
 * should it never have been applied — applied late rather than dropped; one beyond the next is
 * held back until its predecessor is applied. A predecessor known to be failing (on the retry
 * ladder, or parked) is waited for as long as it takes; one this consumer never saw is waited for
 * `gapTimeoutMs` — counted from when the key last moved on, or the waiting message arrived if that
 * is later, so a key that keeps moving is never given up on — after which the consumer goes on
 * without it (it was never routed here, or the consumer was created after it was sent).
 */
export class OrderedBatch {
  /** Whether a held message became due in this transaction: the sender is to be woken after the commit. */
  released = false;
  private readonly touched = new Map<string, OrderingCursor>();

  private constructor(
    private readonly store: OrderingStore,
    private readonly em: EntityManager,
    private readonly consumer: string,
    private readonly cursors: Map<string, OrderingCursor>,
    private readonly gapTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  static async begin(
    store: OrderingStore,
    em: EntityManager,
    consumer: string,
    positions: OrderingPosition[],
    gapTimeoutMs: number,
    logger: Logger,
  ): Promise<OrderedBatch> {
    const cursors = await store.lockCursors(em, consumer, positions);
    return new OrderedBatch(store, em, consumer, cursors, gapTimeoutMs, logger);
  }

  /** Applies `item` with `apply` (its dedup row and handler) if its turn has come, else holds it. */
  async step(item: OrderedItem, apply: () => Promise<DedupOutcome>): Promise<OrderedOutcome> {
    const { source, key, seq } = item.position;
    const cursor = this.cursors.get(cursorId(source, key))!;
    if (seq <= cursor.lastSeq) {
      const outcome = await apply();
      if (outcome === 'fresh') {
        this.logger.warn(
          `${this.consumer}: message ${item.messageId} (${source} "${key}" #${seq}) arrived after #${cursor.lastSeq} had been applied; applied late, out of order, rather than dropped`,
        );
      }
      return outcome;
    }
    if (seq > cursor.lastSeq + 1 && !(await this.gapOutlasted(item, cursor))) return 'held';
    const outcome = await apply();
    if (typeof outcome === 'object') {
      // A conflicting body is parked, not applied: the key waits for an operator as for any parked message.
      cursor.blockedSeq = seq;
      this.touched.set(cursorId(source, key), cursor);
      return outcome;
    }
    cursor.lastSeq = seq;
    if (cursor.blockedSeq !== null && cursor.blockedSeq <= seq) cursor.blockedSeq = null;
    this.touched.set(cursorId(source, key), cursor);
    if (cursor.maxHeldSeq >= seq) {
      await this.store.forgetHeld(this.em, this.consumer, source, key, seq);
      if (await this.store.releaseNext(this.em, this.consumer, source, key, seq, this.gapTimeoutMs))
        this.released = true;
    }
    return outcome;
  }

  /** Writes the cursors this transaction moved. */
  async finish(): Promise<void> {
    await this.store.saveCursors(this.em, this.consumer, [...this.touched.values()]);
  }

  /**
   * Whether a message beyond the next may go first because its predecessor never came within
   * the gap timeout; if not, holds it.
   */
  private async gapOutlasted(item: OrderedItem, cursor: OrderingCursor): Promise<boolean> {
    const { source, key, seq } = item.position;
    const failing = cursor.blockedSeq === cursor.lastSeq + 1;
    if (!failing) {
      const heldMs = await this.store.heldForMs(this.em, this.consumer, source, key, seq);
      if (heldMs !== null && heldMs >= this.gapTimeoutMs) {
        this.logger.warn(
          `${this.consumer}: ${source} "${key}" #${cursor.lastSeq + 1}…#${seq - 1} never arrived in ${this.gapTimeoutMs} ms; going on with #${seq}`,
        );
        return true;
      }
      await this.hold(item, this.gapTimeoutMs - (heldMs ?? 0));
    } else {
      await this.hold(item, null);
    }
    cursor.maxHeldSeq = Math.max(cursor.maxHeldSeq, seq);
    this.touched.set(cursorId(source, key), cursor);
    return false;
  }

  private hold(item: OrderedItem, dueInMs: number | null): Promise<void> {
    const { source, key, seq } = item.position;
    return this.store.hold(
      this.em,
      {
        consumer: this.consumer,
        source,
        key,
        seq,
        messageId: item.messageId,
        queue: item.queue,
        properties: item.properties(),
        body: item.body,
      },
      dueInMs,
    );
  }
}

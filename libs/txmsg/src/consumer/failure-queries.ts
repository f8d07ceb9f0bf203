import { Injectable } from '@nestjs/common';
import { FailureStore } from '../store/failure-store';
import type { FailureStatus } from './failed-message';
import type { FailedMessagePage } from './failed-message-page';
import { toFailedMessage } from './to-failed-message';
import { decodeFailureCursor, encodeFailureCursor } from './failure-cursor';

/** Rows changed by one statement of a bulk requeue or purge, so none holds many row locks. */
const BULK_BATCH = 500;

/**
 * The retry ladder and the parking lot as an operator sees them (the admin API): failed
 * messages listed, parked ones requeued or purged. Nothing is dropped silently: a parked message
 * stays until someone requeues or purges it. Each statement is its own transaction.
 */
@Injectable()
export class FailureQueries {
  constructor(private readonly store: FailureStore) {}

  /**
   * Lists failed messages, newest first, a page at a time: `after` is the `nextCursor` of the
   * previous page. Rows that arrive while someone pages are on the first page, never skipped
   * or repeated further on. Reads only; no transaction.
   * @throws InvalidCursorError when `after` is not a cursor this store handed out.
   */
  async list(options: { status?: FailureStatus; limit?: number; after?: string } = {}): Promise<FailedMessagePage> {
    const { status, limit = 100, after } = options;
    const beforeId = after === undefined ? null : decodeFailureCursor(after);
    const rows = await this.store.list({ status, beforeId, limit: limit + 1 });
    const items = rows.slice(0, limit).map(toFailedMessage);
    return { items, nextCursor: rows.length > limit ? encodeFailureCursor(items[items.length - 1].id) : null };
  }

  /**
   * Sends parked messages back to their queue with the ladder reset (all of them when `id` is
   * omitted, in batches of 500 rows, each its own statement). Returns how many. `OVERSIZED`
   * messages stay: only their first bytes are kept here (the whole message is in the queue's
   * broker-side parking queue, `<queue>.parked`).
   */
  async requeue(id?: string): Promise<number> {
    return this.parkedInBatches(id, (ids) => this.store.requeueParked(ids));
  }

  /** Deletes parked messages (all of them when `id` is omitted, in batches of 500 rows). Returns how many. */
  async purge(id?: string): Promise<number> {
    return this.parkedInBatches(id, (ids) => this.store.purgeParked(ids));
  }

  /**
   * Applies `change` to one parked row, or to every parked row batch by batch in id order. The
   * batches walk forward from the last id seen, so a row parked again meanwhile (a requeued
   * message failing through a short ladder) is not taken twice, and the walk ends.
   */
  private async parkedInBatches(id: string | undefined, change: (ids: string[]) => Promise<number>): Promise<number> {
    if (id !== undefined) return change([id]);
    let total = 0;
    let lastId = '0';
    for (;;) {
      const ids = await this.store.parkedIdsAfter(lastId, BULK_BATCH);
      if (ids.length === 0) return total;
      total += await change(ids);
      if (ids.length < BULK_BATCH) return total;
      lastId = ids[ids.length - 1];
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { FailureFilter, FailureGroup } from '../store/failure-rows';
import { FailureStore } from '../store/failure-store';
import type { FailedMessageDetail, FailureStatus } from './failed-message';
import type { FailedMessagePage } from './failed-message-page';
import { toFailedMessage, toFailedMessageDetail } from './to-failed-message';
import { decodeFailureCursor, encodeFailureCursor } from './failure-cursor';

/** Rows changed by one statement of a bulk requeue or purge, so none holds many row locks. */
const BULK_BATCH = 500;

/**
 * Which parked messages a bulk requeue or purge takes (see {@link FailureFilter}); none: all of
 * them. A group's `consumer` and `fingerprint` together walk an index; a `search` reads the rows.
 */
export type ParkedFilter = Omit<FailureFilter, 'status'>;

export type { FailureFilter, FailureGroup };

/**
 * The retry ladder and the parking lot as an operator sees them (the admin API and the console):
 * failed messages listed, searched, grouped by cause and inspected; parked ones requeued or
 * purged, one or by filter. Nothing is dropped silently: a parked message stays until someone
 * requeues or purges it. Each statement is its own transaction.
 */
@Injectable()
export class FailureQueries {
  constructor(private readonly store: FailureStore) {}

  /**
   * Lists the failed messages of `filter`, newest first, a page at a time: `after` is the
   * `nextCursor` of the previous page. Rows that arrive while someone pages are on the first
   * page, never skipped or repeated further on. A `search` reads every row the other fields leave
   * (see {@link FailureFilter}). Reads only; no transaction.
   * @throws InvalidCursorError when `after` is not a cursor this store handed out.
   */
  async list(options: FailureFilter & { limit?: number; after?: string } = {}): Promise<FailedMessagePage> {
    const { limit = 100, after, ...filter } = options;
    const beforeId = after === undefined ? null : decodeFailureCursor(after);
    const rows = await this.store.list({ ...filter, beforeId, limit: limit + 1 });
    const items = rows.slice(0, limit).map(toFailedMessage);
    return { items, nextCursor: rows.length > limit ? encodeFailureCursor(items[items.length - 1].id) : null };
  }

  /**
   * Failures grouped by cause (consumer, fingerprint, reason, error class), largest group first,
   * at most `limit` (default 100) of them (of `status`, `consumer` and `reason` when given), each
   * with a sample error and when it began and last happened. Rows recorded before fingerprints were kept form one group per consumer and reason,
   * with a null fingerprint (filter them with `fingerprint: null`). Reads only.
   */
  groups(
    options: { status?: FailureStatus; consumer?: string; reason?: string; limit?: number } = {},
  ): Promise<FailureGroup[]> {
    const { status, consumer, reason } = options;
    return this.store.groups({ status, consumer, reason, limit: options.limit ?? 100 });
  }

  /** How many failed messages `filter` matches (a `search` reads them all). Reads only. */
  count(filter: FailureFilter = {}): Promise<number> {
    return this.store.count(filter);
  }

  /**
   * One failed message with its properties (headers), body, trace id and attempts; undefined when
   * there is none. Two reads: a row deleted in between is shown without attempts.
   */
  async get(id: string): Promise<FailedMessageDetail | undefined> {
    const row = await this.store.get(id);
    return row && toFailedMessageDetail(row, await this.store.attempts(id));
  }

  /**
   * Sends parked messages back to their queue with the ladder reset: the one of id `target`, or
   * every one `target` matches (all of them by default), in batches of 500 rows, each its own
   * statement. Returns how many. `OVERSIZED` messages stay: only their first bytes are kept here
   * (the whole message is in the queue's broker-side parking queue, `<queue>.parked`).
   */
  async requeue(target: string | ParkedFilter = {}): Promise<number> {
    return this.parkedInBatches(target, (ids) => this.store.requeueParked(ids));
  }

  /**
   * Deletes parked messages: the one of id `target`, or every one `target` matches (all of them
   * by default), in batches of 500 rows. Returns how many.
   */
  async purge(target: string | ParkedFilter = {}): Promise<number> {
    return this.parkedInBatches(target, (ids) => this.store.purgeParked(ids));
  }

  /**
   * Applies `change` to one parked row, or to every parked row of a filter batch by batch in id
   * order. The batches walk forward from the last id seen, so a row parked again meanwhile (a
   * requeued message failing through a short ladder) is not taken twice, and the walk ends.
   */
  private async parkedInBatches(target: string | ParkedFilter, change: (ids: string[]) => Promise<number>) {
    if (typeof target === 'string') return change([target]);
    let total = 0;
    let lastId = '0';
    for (;;) {
      const ids = await this.store.parkedIdsAfter(target, lastId, BULK_BATCH);
      if (ids.length === 0) return total;
      total += await change(ids);
      if (ids.length < BULK_BATCH) return total;
      lastId = ids[ids.length - 1];
    }
  }
}

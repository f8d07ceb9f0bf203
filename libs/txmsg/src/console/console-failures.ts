import { Injectable } from '@nestjs/common';
import type { FailedMessage, FailureStatus } from '../consumer/failed-message';
import type { FailedMessagePage } from '../consumer/failed-message-page';
import { encodeFailureCursor } from '../consumer/failure-cursor';
import { FailureQueries } from '../consumer/failure-queries';
import { toFailedMessage } from '../consumer/to-failed-message';
import { FailureStore } from '../store/failure-store';

/** Rows read per statement while filtering by consumer. */
const SCAN_BATCH = 200;
/** Rows one page may read while filtering by consumer: a rare consumer's page ends early, with a cursor to go on. */
const SCAN_LIMIT = 2000;

/** A failed message with what only its own page shows. */
export interface FailedMessageDetail extends FailedMessage {
  exchange: string;
  /** The AMQP properties as received (headers included), as JSON text. */
  properties: string;
}

/**
 * The failed messages as the console reads them: pages filtered by status and consumer, and one
 * message by id. Reads only; every statement is the failure store's.
 */
@Injectable()
export class ConsoleFailures {
  constructor(
    private readonly queries: FailureQueries,
    private readonly store: FailureStore,
  ) {}

  /**
   * A page, newest first. With `consumer`, pages are read and filtered here, at most
   * {@link SCAN_LIMIT} rows per page; the cursor then says where the reading stopped, so paging
   * on still sees every row once.
   * @throws InvalidCursorError when `after` is not a cursor of this list.
   */
  async list(filter: {
    status?: FailureStatus;
    consumer?: string;
    after?: string;
    limit: number;
  }): Promise<FailedMessagePage> {
    const { status, consumer, limit } = filter;
    if (!consumer) return this.queries.list({ status, limit, after: filter.after });
    const items: FailedMessage[] = [];
    let after = filter.after;
    for (let scanned = 0; scanned < SCAN_LIMIT; scanned += SCAN_BATCH) {
      const page = await this.queries.list({ status, limit: SCAN_BATCH, after });
      for (const item of page.items) {
        if (item.consumer !== consumer) continue;
        items.push(item);
        if (items.length === limit) return { items, nextCursor: encodeFailureCursor(item.id) };
      }
      if (page.nextCursor === null) return { items, nextCursor: null };
      after = page.nextCursor;
    }
    return { items, nextCursor: after ?? null };
  }

  /** The failed message of row `id` (a whole number), or undefined when there is none. */
  async get(id: string): Promise<FailedMessageDetail | undefined> {
    // The store's newest-first listing below id + 1 starts at the row itself, by the primary key.
    const [row] = await this.store.list({ beforeId: (BigInt(id) + 1n).toString(), limit: 1 });
    if (!row || String(row.id) !== id) return undefined;
    return { ...toFailedMessage(row), exchange: String(row.exchange), properties: String(row.properties ?? '') };
  }
}

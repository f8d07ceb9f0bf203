import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { affectedRows } from '../support/affected-rows';
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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Lists failed messages, newest first, a page at a time: `after` is the `nextCursor` of the
   * previous page. Rows that arrive while someone pages are on the first page, never skipped
   * or repeated further on. Reads only; no transaction.
   * @throws InvalidCursorError when `after` is not a cursor this store handed out.
   */
  async list(options: { status?: FailureStatus; limit?: number; after?: string } = {}): Promise<FailedMessagePage> {
    const { status, limit = 100, after } = options;
    const beforeId = after === undefined ? null : decodeFailureCursor(after);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM txmsg_inbox_failure WHERE (? IS NULL OR status = ?) AND (? IS NULL OR id < CAST(? AS UNSIGNED)) ORDER BY id DESC LIMIT ?`,
      [status ?? null, status ?? null, beforeId, beforeId, limit + 1],
    );
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
    return this.parkedInBatches(id, (ids) =>
      this.dataSource.query(
        `UPDATE txmsg_inbox_failure SET status = 'WAITING', attempts = 0, reason = NULL, next_attempt_at = NOW(3), updated_at = NOW(3)
          WHERE status = 'PARKED' AND reason <> 'OVERSIZED' AND id IN (?)`,
        [ids],
      ),
    );
  }

  /** Deletes parked messages (all of them when `id` is omitted, in batches of 500 rows). Returns how many. */
  async purge(id?: string): Promise<number> {
    return this.parkedInBatches(id, (ids) =>
      this.dataSource.query(`DELETE FROM txmsg_inbox_failure WHERE status = 'PARKED' AND id IN (?)`, [ids]),
    );
  }

  /**
   * Applies `change` to one parked row, or to every parked row batch by batch in id order. The
   * batches walk forward from the last id seen, so a row parked again meanwhile (a requeued
   * message failing through a short ladder) is not taken twice, and the walk ends.
   */
  private async parkedInBatches(id: string | undefined, change: (ids: string[]) => Promise<unknown>): Promise<number> {
    if (id !== undefined) return affectedRows(await change([id]));
    let total = 0;
    let lastId = '0';
    for (;;) {
      const rows: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM txmsg_inbox_failure WHERE status = 'PARKED' AND id > CAST(? AS UNSIGNED) ORDER BY id LIMIT ?`,
        [lastId, BULK_BATCH],
      );
      if (rows.length === 0) return total;
      total += affectedRows(await change(rows.map((row) => String(row.id))));
      if (rows.length < BULK_BATCH) return total;
      lastId = String(rows[rows.length - 1].id);
    }
  }
}

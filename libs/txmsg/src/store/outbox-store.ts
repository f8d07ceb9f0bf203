import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { affectedRows } from '../support/affected-rows';
import type { OutboxListing, OutboxRow, OutboxStatus, PreparedRow, ReadyRow } from './outbox-rows';
import { type Queryable, StoreDatabase } from './store-database';

/** An outbox row as selected for the admin listing. */
interface OutboxListingRow {
  id: string | number;
  message_id: string;
  type: string;
  routing_key: string;
  status: OutboxStatus;
  tx_group: string | null;
  check_count: number;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
  payload: string;
}

/** Most half messages one check-back round leases. */
const CHECK_BATCH = 20;

/**
 * `txmsg_outbox`: every statement and status transition of the outbox table.
 *
 * READY (written with the business change) → PUBLISHED (confirmed by the broker), or back to
 * READY later (postponed after a failed publish). PREPARED (a half message) → READY (its local
 * transaction committed, or a check-back said COMMIT) or DISCARDED (rolled back, or out of
 * checks). SCHEDULED (a delayed message) → READY once due, or CANCELLED before that. Every
 * transition out of a state is conditional on that state, so a late or repeated one is a no-op.
 * PUBLISHED, DISCARDED and CANCELLED rows are purged after the retention.
 */
@Injectable()
export class OutboxStore {
  constructor(private readonly db: StoreDatabase) {}

  private get d() {
    return this.db.dialect;
  }

  /** The columns a publish needs, each JSON column as the exact text written. */
  private get publishColumns(): string {
    const { jsonText } = this.d;
    return `id, message_id, type, exchange, routing_key, ${jsonText('payload')} AS payload, ${jsonText('headers')} AS headers,
            correlation_id, trace_context, created_at, attempts`;
  }

  /** Inserts a row in `status` in the transaction of `em`, due `dueInMs` from now, tagged with its transactional `group`. */
  async insert(em: EntityManager, row: OutboxRow, status: OutboxStatus, group: string | undefined, dueInMs: number) {
    await this.db.query(
      `INSERT INTO txmsg_outbox
         (message_id, type, exchange, routing_key, payload, headers, correlation_id, trace_context, status, tx_group,
          next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${this.d.nowPlusMicros})`,
      [
        ...[row.message_id, row.type, row.exchange, row.routing_key, row.payload, row.headers, row.correlation_id],
        ...[row.trace_context ?? null, status, group ?? null, dueInMs * 1000],
      ],
      em,
    );
  }

  /** READY → PREPARED in the transaction of `em`: a half message, due for its first check after `dueInMs`. */
  async hold(em: EntityManager, messageId: string, dueInMs: number): Promise<void> {
    await this.db.query(
      `UPDATE txmsg_outbox SET status = 'PREPARED', next_attempt_at = ${this.d.nowPlusMicros}
        WHERE message_id = ? AND status = 'READY'`,
      [dueInMs * 1000, messageId],
      em,
    );
  }

  /**
   * SCHEDULED → READY, due now, for up to `limit` delayed messages that are due, earliest first,
   * in one short transaction (`FOR UPDATE SKIP LOCKED`, so instances never wait on each other or
   * on a cancel in progress); returns how many. The relay then publishes them as any READY row.
   */
  async releaseDue(limit: number): Promise<number> {
    const select = `SELECT id FROM txmsg_outbox
                     WHERE status = 'SCHEDULED' AND next_attempt_at <= ${this.d.now}
                     ORDER BY next_attempt_at, id
                     LIMIT ?
                     FOR UPDATE SKIP LOCKED`;
    const rows = await this.db.lease<{ id: string }>('txmsg_outbox', select, [limit], 0, "status = 'READY'");
    return rows.length;
  }

  /**
   * Milliseconds until the earliest delayed message is due, by the database's clock (≤ 0: one is
   * due now), or null when none waits. Read from the status index alone.
   */
  async nextDueInMs(): Promise<number | null> {
    const rows: { ms: string | number | null }[] = await this.db.query(
      `SELECT -(${this.d.msSince('MIN(next_attempt_at)')}) AS ms FROM txmsg_outbox WHERE status = 'SCHEDULED'`,
    );
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? null : Number(ms);
  }

  /**
   * SCHEDULED → CANCELLED, on `on` (the caller's transaction) or in autocommit; false when the
   * message is not a delayed one still waiting (unknown, already due, published, or cancelled).
   */
  async cancelScheduled(messageId: string, on?: Queryable): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE txmsg_outbox SET status = 'CANCELLED', finished_at = ${this.d.now}, last_error = NULL
        WHERE message_id = ? AND status = 'SCHEDULED'`,
      [messageId],
      on,
    );
    return affectedRows(result) === 1;
  }

  /** READY → PUBLISHED, by message id, in one autocommit UPDATE. */
  async markPublished(messageIds: string[]): Promise<void> {
    await this.db.query(
      `UPDATE txmsg_outbox SET status = 'PUBLISHED', attempts = attempts + 1, finished_at = ${this.d.now}, last_error = NULL
        WHERE ${this.d.anyOf('message_id')} AND status = 'READY'`,
      [messageIds],
    );
  }

  /** Counts a failed publish of READY rows and makes them due again `delayMs` from now. */
  async postpone(messageIds: string[], delayMs: number, error: string): Promise<void> {
    await this.db.query(
      `UPDATE txmsg_outbox SET attempts = attempts + 1, next_attempt_at = ${this.d.nowPlusMicros}, last_error = ?
        WHERE ${this.d.anyOf('message_id')} AND status = 'READY'`,
      [delayMs * 1000, error.slice(0, 1000), messageIds],
    );
  }

  /** Leases up to `limit` due READY rows for `leaseMs`, oldest due first (see {@link StoreDatabase.lease}). */
  leaseReady(limit: number, leaseMs: number): Promise<ReadyRow[]> {
    const select = `SELECT ${this.publishColumns}
                      FROM txmsg_outbox
                     WHERE status = 'READY' AND next_attempt_at <= ${this.d.now}
                     ORDER BY next_attempt_at, id
                     LIMIT ?
                     FOR UPDATE SKIP LOCKED`;
    return this.db.lease<ReadyRow>('txmsg_outbox', select, [limit], leaseMs);
  }

  /**
   * Leases up to 20 due half messages for `leaseMs` (the next check's interval), counting this
   * check; the rows come back with it counted.
   */
  async leasePrepared(leaseMs: number): Promise<PreparedRow[]> {
    const select = `SELECT id, message_id, routing_key, ${this.d.jsonText('payload')} AS payload, tx_group, check_count,
                           trace_context
                      FROM txmsg_outbox
                     WHERE status = 'PREPARED' AND next_attempt_at <= ${this.d.now}
                     ORDER BY next_attempt_at
                     LIMIT ${CHECK_BATCH}
                     FOR UPDATE SKIP LOCKED`;
    const rows = await this.db.lease<PreparedRow>('txmsg_outbox', select, [], leaseMs, 'check_count = check_count + 1');
    return rows.map((row) => ({ ...row, check_count: Number(row.check_count) + 1 }));
  }

  /** PREPARED → READY, due now; false when the row was no longer PREPARED. */
  async commitPrepared(id: string): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE txmsg_outbox SET status = 'READY', next_attempt_at = ${this.d.now} WHERE id = ? AND status = 'PREPARED'`,
      [id],
    );
    return affectedRows(result) === 1;
  }

  /** PREPARED → DISCARDED with the reason; false when the row was no longer PREPARED. */
  async discardPrepared(id: string, reason: string): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE txmsg_outbox SET status = 'DISCARDED', finished_at = ${this.d.now}, last_error = ?
        WHERE id = ? AND status = 'PREPARED'`,
      [reason, id],
    );
    return affectedRows(result) === 1;
  }

  /** How many rows are in each status. */
  async countsByStatus(): Promise<Record<string, number>> {
    const rows: { status: string; count: string | number }[] = await this.db.query(
      'SELECT status, COUNT(*) AS count FROM txmsg_outbox GROUP BY status',
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
  }

  /** The newest `limit` rows in `status`, newest first, with their payload. */
  async newest(status: OutboxStatus, limit: number): Promise<OutboxListing[]> {
    const rows: OutboxListingRow[] = await this.db.query(
      `SELECT id, message_id, type, routing_key, status, tx_group, check_count, attempts, next_attempt_at, last_error,
              created_at, finished_at, ${this.d.jsonText('payload')} AS payload
         FROM txmsg_outbox WHERE status = ? ORDER BY id DESC LIMIT ?`,
      [status, limit],
    );
    return rows.map(listingOf);
  }

  /**
   * Up to `limit` rows in `status` by due time (`next_attempt_at`, then id): soonest first, or
   * latest first when `latestFirst`; only those after `after` (the last row of the page before)
   * when given. The index `(status, next_attempt_at, id)` serves it in both directions, so a page
   * deep into a large backlog reads its own rows only. `dueInMs` is measured on the database's clock.
   */
  async byDueTime(
    status: OutboxStatus,
    options: { after?: { dueAt: Date; id: string }; latestFirst?: boolean; limit: number },
  ): Promise<Array<Omit<OutboxListing, 'payload'> & { dueInMs: number }>> {
    const [beyond, direction] = options.latestFirst ? ['<', 'DESC'] : ['>', 'ASC'];
    const postgres = this.d.name === 'postgres';
    // Each engine seeks the index to the row after `after` only when asked its own way: PostgreSQL
    // with a row comparison, MariaDB with the expanded one and the index named (on its own it
    // takes the index on status alone and reads every row of the status before the cursor).
    const after = !options.after
      ? ''
      : postgres
        ? `AND (next_attempt_at, id) ${beyond} (?, CAST(? AS bigint))`
        : `AND (next_attempt_at ${beyond} ? OR (next_attempt_at = ? AND id ${beyond} CAST(? AS UNSIGNED)))`;
    const afterParams = !options.after
      ? []
      : postgres
        ? [options.after.dueAt, options.after.id]
        : [options.after.dueAt, options.after.dueAt, options.after.id];
    const rows: Array<Omit<OutboxListingRow, 'payload'> & { due_in_ms: string | number }> = await this.db.query(
      `SELECT id, message_id, type, routing_key, status, tx_group, check_count, attempts, next_attempt_at, last_error,
              created_at, finished_at, -(${this.d.msSince('next_attempt_at')}) AS due_in_ms
         FROM txmsg_outbox${postgres ? '' : ' FORCE INDEX (ix_txmsg_outbox_due)'} WHERE status = ? ${after}
        ORDER BY next_attempt_at ${direction}, id ${direction} LIMIT ?`,
      [status, ...afterParams, options.limit],
    );
    return rows.map((r) => {
      const { payload: _payload, ...listed } = listingOf({ ...r, payload: '' });
      return { ...listed, dueInMs: Number(r.due_in_ms) };
    });
  }

  /**
   * The statements of this table's scrape-time gauges, by the name their failures are reported
   * under: READY, PREPARED and SCHEDULED rows by status, and the seconds since the oldest READY row was
   * written, by the database's clock (0 when none is). The lowest READY id is the oldest row (ids
   * are handed out as rows are written): found in the status index alone, so a large backlog
   * costs one row lookup rather than one per row.
   */
  gaugeStatements(): { outbox_backlog: string; outbox_oldest: string } {
    const oldest = `(SELECT created_at FROM txmsg_outbox WHERE id = (SELECT MIN(id) FROM txmsg_outbox WHERE status = 'READY'))`;
    return {
      outbox_backlog:
        "SELECT status, COUNT(*) AS n FROM txmsg_outbox WHERE status IN ('READY', 'PREPARED', 'SCHEDULED') GROUP BY status",
      outbox_oldest: `SELECT 'READY' AS status, COALESCE(${this.d.msSince(oldest)}, 0) / 1000 AS n`,
    };
  }

  /**
   * Deletes up to `batchSize` PUBLISHED, DISCARDED or CANCELLED rows finished more than `retentionMs` ago,
   * in one autocommit statement; returns how many.
   */
  async purgeFinished(retentionMs: number, batchSize: number): Promise<number> {
    const finished = `status IN ('PUBLISHED', 'DISCARDED', 'CANCELLED') AND finished_at < ${this.d.nowPlusMicros}`;
    const statement =
      this.d.name === 'postgres'
        ? `DELETE FROM txmsg_outbox WHERE id IN (SELECT id FROM txmsg_outbox WHERE ${finished} LIMIT ?)`
        : `DELETE FROM txmsg_outbox WHERE ${finished} LIMIT ?`;
    return affectedRows(await this.db.query(statement, [-retentionMs * 1000, batchSize]));
  }
}

/** A listed row as the admin API and the console show it. */
function listingOf(r: OutboxListingRow): OutboxListing {
  return {
    id: String(r.id),
    messageId: r.message_id,
    type: r.type,
    routingKey: r.routing_key,
    status: r.status,
    txGroup: r.tx_group,
    checkCount: Number(r.check_count),
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    payload: r.payload,
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ConsumeMessage } from 'amqplib';
import type { DataSource } from 'typeorm';
import { ladderDelay } from '../duration';
import type { MessageEnvelope } from '../envelope';
import { affectedRows } from '../support/affected-rows';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { type FailedMessagePage, type FailureStatus, type ParkReason, toFailedMessage } from './failed-message';
import { decodeFailureCursor, encodeFailureCursor } from './failure-cursor';

export type { FailedMessage, FailedMessagePage, FailureStatus, ParkReason } from './failed-message';

/** Rows changed by one statement of a bulk requeue or purge, so none holds many row locks. */
const BULK_BATCH = 500;

/** What {@link FailureStore.recordFailure} decided. */
export type FailureOutcome = { retryInMs: number; attempts: number } | { parked: ParkReason; attempts: number };

/** Where a failed delivery came from. */
export interface FailedDelivery {
  consumer: string;
  queue: string | undefined;
  message: ConsumeMessage;
  envelope: MessageEnvelope;
}

/**
 * The retry ladder and the parking lot, kept in the service's database so they survive broker
 * and process restarts (a TTL + dead-letter ladder on classic queues can lose messages while
 * dead-lettering). The delivery is acknowledged only after this row is committed.
 */
@Injectable()
export class FailureStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /**
   * Counts one more failure of this message for this consumer and schedules the next rung of the
   * ladder, or parks the message after the last rung.
   */
  async recordFailure(delivery: FailedDelivery, error: unknown): Promise<FailureOutcome> {
    return this.dataSource.transaction('READ COMMITTED', async (em) => {
      const [row] = await em.query(
        `SELECT attempts FROM txmsg_inbox_failure WHERE consumer = ? AND message_id = ? FOR UPDATE`,
        [delivery.consumer, delivery.envelope.id],
      );
      const attempts = (row ? Number(row.attempts) : 0) + 1;
      const delay = ladderDelay(this.options.retry.ladderMs, attempts);
      const outcome: FailureOutcome =
        delivery.queue === undefined
          ? { parked: 'NO_QUEUE', attempts }
          : delay === undefined
            ? { parked: 'EXHAUSTED', attempts }
            : { retryInMs: delay, attempts };
      await this.upsert(em, delivery, attempts, outcome, describe(error));
      return outcome;
    });
  }

  /** Parks a message at once (poison, unrecoverable). */
  async park(delivery: FailedDelivery, reason: ParkReason, error: unknown): Promise<void> {
    await this.dataSource.transaction('READ COMMITTED', async (em) => {
      const [row] = await em.query(
        `SELECT attempts FROM txmsg_inbox_failure WHERE consumer = ? AND message_id = ? FOR UPDATE`,
        [delivery.consumer, delivery.envelope.id],
      );
      const attempts = (row ? Number(row.attempts) : 0) + 1;
      await this.upsert(em, delivery, attempts, { parked: reason, attempts }, describe(error));
    });
  }

  /** Forgets the failures of a message that has now been handled. */
  async resolved(consumer: string, messageId: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM txmsg_inbox_failure WHERE consumer = ? AND message_id = ? AND status <> 'PARKED'`,
      [consumer, messageId],
    );
  }

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
   * omitted, in batches of 500 rows, each its own statement). Returns how many.
   */
  async requeue(id?: string): Promise<number> {
    return this.parkedInBatches(id, (ids) =>
      this.dataSource.query(
        `UPDATE txmsg_inbox_failure SET status = 'WAITING', attempts = 0, reason = NULL, next_attempt_at = NOW(3), updated_at = NOW(3)
          WHERE status = 'PARKED' AND id IN (?)`,
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

  private async upsert(
    em: { query: DataSource['query'] },
    delivery: FailedDelivery,
    attempts: number,
    outcome: FailureOutcome,
    lastError: string,
  ): Promise<void> {
    const { message, envelope } = delivery;
    const parked = 'parked' in outcome;
    await em.query(
      `INSERT INTO txmsg_inbox_failure
         (consumer, message_id, queue, exchange, routing_key, properties, body, attempts, status, reason, next_attempt_at, last_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, DATE_ADD(NOW(3), INTERVAL ? MICROSECOND), ?)
       ON DUPLICATE KEY UPDATE attempts = VALUES(attempts), status = VALUES(status), reason = VALUES(reason),
         next_attempt_at = VALUES(next_attempt_at), last_error = VALUES(last_error), updated_at = NOW(3)`,
      [
        delivery.consumer,
        envelope.id,
        delivery.queue ?? '',
        message.fields.exchange,
        message.fields.routingKey,
        JSON.stringify(message.properties ?? {}),
        message.content.toString('base64'),
        attempts,
        parked ? 'PARKED' : 'WAITING',
        parked ? outcome.parked : null,
        parked ? 0 : outcome.retryInMs * 1000,
        lastError.slice(0, 2000),
      ],
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ladderDelay } from '../ladder';
import { errorText } from '../support/error-text';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import type { FailedDelivery, FailureOutcome } from './failed-delivery';
import type { ParkReason } from './failed-message';
import { upsertFailure } from './upsert-failure';

/**
 * The retry ladder and the parking lot as the consumer runtime writes them, kept in the
 * service's database so they survive broker and process restarts (a TTL + dead-letter ladder on
 * classic queues can lose messages while dead-lettering). The delivery is acknowledged only
 * after the row is committed; each write is a short READ COMMITTED transaction of its own.
 */
@Injectable()
export class FailureRecorder {
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
      const attempts = await this.attemptsSoFar(em, delivery);
      const delay = ladderDelay(this.options.retry.ladderMs, attempts);
      const outcome: FailureOutcome =
        delivery.queue === undefined
          ? { parked: 'NO_QUEUE', attempts }
          : delay === undefined
            ? { parked: 'EXHAUSTED', attempts }
            : { retryInMs: delay, attempts };
      await upsertFailure(em, delivery, outcome, errorText(error, { withName: true }));
      return outcome;
    });
  }

  /** Parks a message at once (poison, unrecoverable). */
  async park(delivery: FailedDelivery, reason: ParkReason, error: unknown): Promise<void> {
    await this.dataSource.transaction('READ COMMITTED', async (em) => {
      const attempts = await this.attemptsSoFar(em, delivery);
      await upsertFailure(em, delivery, { parked: reason, attempts }, errorText(error, { withName: true }));
    });
  }

  /** Forgets the failures of a message that has now been handled. */
  async resolved(consumer: string, messageId: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM txmsg_inbox_failure WHERE consumer = ? AND message_id = ? AND status <> 'PARKED'`,
      [consumer, messageId],
    );
  }

  /** The failures so far plus this one, with the row locked until the transaction ends. */
  private async attemptsSoFar(em: EntityManager, delivery: FailedDelivery): Promise<number> {
    const [row] = await em.query(
      `SELECT attempts FROM txmsg_inbox_failure WHERE consumer = ? AND message_id = ? FOR UPDATE`,
      [delivery.consumer, delivery.envelope.id],
    );
    return (row ? Number(row.attempts) : 0) + 1;
  }
}

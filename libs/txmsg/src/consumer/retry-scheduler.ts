import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { MessageProperties } from 'amqplib';
import type { DataSource } from 'typeorm';
import { ConfirmedPublisher } from '../broker/confirmed-publisher';
import { claimRows } from '../support/claim-rows';
import { PeriodicWorker } from '../support/periodic-worker';
import { ATTEMPT_HEADER, TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';

/** Header set on a message the library sent back to its queue for another try. */
export const REDELIVERED_HEADER = 'x-txmsg-redelivered';

interface DueRow {
  id: string;
  message_id: string;
  queue: string;
  properties: string;
  body: string;
  attempts: number;
}

/**
 * Sends each failed message whose rung of the ladder has come back to its consumer's queue
 * (through the default exchange, so only that consumer gets it), with confirms. Rows are
 * claimed under `FOR UPDATE SKIP LOCKED`, so several instances share the work.
 */
@Injectable()
export class RetryScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetryScheduler.name);
  private readonly worker: PeriodicWorker;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: ConfirmedPublisher,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.worker = new PeriodicWorker(this.logger, options.retry.scanIntervalMs, async () => (await this.dispatchDue()) >= 50);
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Look for due retries now (after a failure with a short rung, or an admin requeue). */
  wake(): void {
    this.worker.wake();
  }

  /** Dispatches every due retry once; returns how many rows were claimed. */
  async dispatchDue(): Promise<number> {
    const select = `SELECT id, message_id, queue, properties, body, attempts
                      FROM txmsg_inbox_failure
                     WHERE status = 'WAITING' AND next_attempt_at <= NOW(3)
                     ORDER BY next_attempt_at
                     LIMIT 50
                     FOR UPDATE SKIP LOCKED`;
    return claimRows<DueRow>(this.dataSource, select, [], async (em, rows) => {
      for (const row of rows) {
        try {
          const properties = JSON.parse(row.properties) as Partial<MessageProperties>;
          await this.publisher.publish('', row.queue, Buffer.from(row.body, 'base64'), {
            ...withoutNulls(properties),
            messageId: row.message_id,
            headers: { ...(properties.headers ?? {}), [ATTEMPT_HEADER]: row.attempts, [REDELIVERED_HEADER]: true },
          });
          await em.query(`UPDATE txmsg_inbox_failure SET status = 'DISPATCHED', updated_at = NOW(3) WHERE id = ?`, [row.id]);
        } catch (error) {
          this.logger.warn(`retry of ${row.message_id} to ${row.queue} not sent, trying again in 5 s: ${(error as Error).message}`);
          await em.query(
            `UPDATE txmsg_inbox_failure SET next_attempt_at = DATE_ADD(NOW(3), INTERVAL 5 SECOND), last_error = ? WHERE id = ?`,
            [(error as Error).message.slice(0, 2000), row.id],
          );
        }
      }
    });
  }
}

function withoutNulls<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ConfirmedPublisher, UnroutableMessageError } from '../broker/confirmed-publisher';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { onCommitWake } from '../support/after-commit';
import { claimRows } from '../support/claim-rows';
import { crashIf } from '../support/crash-point';
import { PeriodicWorker } from '../support/periodic-worker';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { type OutboxRow, publishOptionsOf } from './outbox-row';

/** Name under which transactions that wrote READY rows ask for the relay. */
export const RELAY_WORKER = 'relay';

interface ReadyRow extends OutboxRow {
  id: string;
  attempts: number;
}

/**
 * Moves committed outbox rows to the broker.
 *
 * Each round claims up to `batchSize` READY rows with `SELECT … FOR UPDATE SKIP LOCKED`,
 * publishes them with confirms, and marks them PUBLISHED in the same transaction. The claim is
 * the row lock: it lasts exactly as long as the relay's transaction, so two relays never hold
 * the same row, and rows claimed by a relay that died are released by the database the moment
 * its connection goes (a lease the database enforces; nothing stays "in progress"). A crash after
 * the publish and before the commit republishes the row: delivery is at-least-once, and
 * consumers dedupe by message id.
 */
@Injectable()
export class OutboxRelay implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly worker: PeriodicWorker;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: ConfirmedPublisher,
    private readonly metrics: TxMsgMetrics,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.worker = new PeriodicWorker(this.logger, options.relay.pollIntervalMs, async () => {
      return (await this.relayOnce()) >= options.relay.batchSize;
    });
  }

  onModuleInit(): void {
    onCommitWake(this.dataSource, RELAY_WORKER, () => this.wake());
  }

  onApplicationBootstrap(): void {
    if (this.options.relay.enabled) this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Runs a round soon; called right after a transaction that wrote READY rows commits. */
  wake(): void {
    this.worker.wake();
  }

  /** Whether the relay runs in this process (it may be disabled, or stopped). */
  get running(): boolean {
    return this.worker.isRunning;
  }

  /** Stops the loop (tests use it to simulate a relay that is down). */
  async stop(): Promise<void> {
    await this.worker.stop();
  }

  /** Starts the loop again after {@link stop}. */
  start(): void {
    this.worker.start();
  }

  /** One round: claim, publish, mark. Returns how many rows were claimed. */
  async relayOnce(): Promise<number> {
    const select = `SELECT id, message_id, type, exchange, routing_key, payload, headers, correlation_id, created_at, attempts
                      FROM txmsg_outbox
                     WHERE status = 'READY' AND next_attempt_at <= NOW(3)
                     ORDER BY id
                     LIMIT ?
                     FOR UPDATE SKIP LOCKED`;
    return claimRows<ReadyRow>(this.dataSource, select, [this.options.relay.batchSize], async (em, rows) => {
      crashIf(this.options.crashPoint, 'relay-before-publish');
      const results = await Promise.allSettled(rows.map((row) => this.publish(row)));
      const sent = rows.filter((_, i) => results[i].status === 'fulfilled').map((row) => row.id);
      if (sent.length > 0) crashIf(this.options.crashPoint, 'relay-after-publish');
      rows.forEach((row, i) => results[i].status === 'fulfilled' && this.metrics.messagePublished(row.routing_key, row.created_at));
      if (sent.length > 0) {
        await em.query(
          `UPDATE txmsg_outbox SET status = 'PUBLISHED', attempts = attempts + 1, finished_at = NOW(3), last_error = NULL
            WHERE id IN (?)`,
          [sent],
        );
      }
      for (const [i, result] of results.entries()) {
        if (result.status === 'rejected') await this.postpone(em, rows[i], result.reason);
      }
    });
  }

  /** Internal: publishes one row with its envelope, confirmed and routed (the commit dispatcher uses it too). */
  async publish(row: OutboxRow): Promise<void> {
    const options = publishOptionsOf(row, this.options.service);
    await this.publisher.publish(row.exchange, row.routing_key, Buffer.from(row.payload), options);
  }

  /**
   * Internal: records a failed publish of a READY row and makes it due again after the next
   * back-off step (`retryBaseMs` doubling per attempt, up to `retryMaxMs`).
   */
  async postpone(db: Pick<EntityManager, 'query'>, row: OutboxRow & { attempts: number }, reason: unknown): Promise<void> {
    const { retryBaseMs, retryMaxMs } = this.options.relay;
    const delayMs = Math.min(retryBaseMs * 2 ** Math.min(row.attempts, 20), retryMaxMs);
    const message = reason instanceof Error ? reason.message : String(reason);
    const log = `message ${row.message_id} (${row.routing_key}) not published, retrying in ${delayMs} ms: ${message}`;
    if (reason instanceof UnroutableMessageError) this.logger.warn(log);
    else this.logger.error(log);
    this.metrics.publishFailed(reason instanceof UnroutableMessageError ? 'unroutable' : 'error');
    await db.query(
      `UPDATE txmsg_outbox
          SET attempts = attempts + 1, next_attempt_at = DATE_ADD(NOW(3), INTERVAL ? MICROSECOND), last_error = ?
        WHERE message_id = ? AND status = 'READY'`,
      [delayMs * 1000, message.slice(0, 1000), row.message_id],
    );
  }
}

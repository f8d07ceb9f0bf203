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
import { leaseRows } from '../support/claim-rows';
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
 * Transaction contract: never publishes inside a transaction. Each round leases up to
 * `batchSize` due READY rows in one short transaction (`SELECT … FOR UPDATE SKIP LOCKED`, then
 * `next_attempt_at` moved {@link publishLeaseMs} ahead, then COMMIT), publishes them in parallel
 * with confirms and no transaction or row lock held, and records the outcomes afterwards with
 * conditional updates (`WHERE status = 'READY'`): one UPDATE marks every published row, failed
 * ones are postponed on a back-off. A broker that is down or slow therefore holds neither row
 * locks nor a pooled connection, whatever the publish timeout.
 *
 * The lease outlasts the publish timeout, so two relays never publish the same row while one is
 * at it; a lease that runs out because its relay died (before or after publishing) makes the row
 * due again for any relay: delivery is at-least-once, and consumers dedupe by message id.
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

  /**
   * Runs a round soon; called right after a transaction that wrote READY rows commits. Ignored
   * while the broker is unreachable: the poll interval then paces the relay's probes.
   */
  wake(): void {
    if (this.publisher.reachable) this.worker.wake();
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

  /**
   * How long a leased row stays out of other relays' reach: longer than any publish can take
   * (the confirm timeout), plus a margin for the round's own database work.
   */
  get publishLeaseMs(): number {
    return this.options.relay.publishTimeoutMs + 1000;
  }

  /**
   * One round: lease, publish, record. Returns how many rows were leased. With no connection to
   * the broker it leases nothing: a publish could only wait out its timeout, then be postponed.
   */
  async relayOnce(): Promise<number> {
    if (!this.publisher.connected) return 0;
    const select = `SELECT id, message_id, type, exchange, routing_key, payload, headers, correlation_id, created_at, attempts
                      FROM txmsg_outbox
                     WHERE status = 'READY' AND next_attempt_at <= NOW(3)
                     ORDER BY id
                     LIMIT ?
                     FOR UPDATE SKIP LOCKED`;
    const params = [this.options.relay.batchSize];
    const rows = await leaseRows<ReadyRow>(this.dataSource, 'txmsg_outbox', select, params, this.publishLeaseMs);
    if (rows.length === 0) return 0;
    crashIf(this.options.crashPoint, 'relay-before-publish');
    const results = await Promise.allSettled(rows.map((row) => this.publish(row)));
    const sent = rows.filter((_, i) => results[i].status === 'fulfilled');
    if (sent.length > 0) crashIf(this.options.crashPoint, 'relay-after-publish');
    sent.forEach((row) => this.metrics.messagePublished(row.routing_key, row.created_at));
    if (sent.length > 0) {
      await this.dataSource.query(
        `UPDATE txmsg_outbox SET status = 'PUBLISHED', attempts = attempts + 1, finished_at = NOW(3), last_error = NULL
          WHERE id IN (?) AND status = 'READY'`,
        [sent.map((row) => row.id)],
      );
    }
    const failed = new Map<string, { reason: unknown; rows: ReadyRow[] }>();
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      const key = reasonOf(result.reason);
      if (failed.has(key)) failed.get(key)?.rows.push(rows[i]);
      else failed.set(key, { reason: result.reason, rows: [rows[i]] });
    });
    for (const { reason, rows: same } of failed.values()) await this.postpone(this.dataSource, same, reason);
    return rows.length;
  }

  /** Internal: publishes one row with its envelope, confirmed and routed (the commit dispatcher uses it too). */
  async publish(row: OutboxRow): Promise<void> {
    const options = publishOptionsOf(row, this.options.service);
    await this.publisher.publish(row.exchange, row.routing_key, Buffer.from(row.payload), options);
  }

  /**
   * Internal: records that READY rows failed to publish for `reason`, and makes each due again
   * after its next back-off step (`retryBaseMs` doubling per attempt, up to `retryMaxMs`). A row
   * published or postponed by someone else meanwhile is left as it is.
   */
  async postpone(
    db: Pick<EntityManager, 'query'>,
    rows: (OutboxRow & { attempts: number })[],
    reason: unknown,
  ): Promise<void> {
    const { retryBaseMs, retryMaxMs } = this.options.relay;
    const message = reasonOf(reason);
    const unroutable = reason instanceof UnroutableMessageError;
    const byDelay = new Map<number, OutboxRow[]>();
    for (const row of rows) {
      const delayMs = Math.min(retryBaseMs * 2 ** Math.min(row.attempts, 20), retryMaxMs);
      if (byDelay.has(delayMs)) byDelay.get(delayMs)?.push(row);
      else byDelay.set(delayMs, [row]);
      this.metrics.publishFailed(unroutable ? 'unroutable' : 'error');
    }
    for (const [delayMs, same] of byDelay) {
      const what =
        same.length === 1 ? `message ${same[0].message_id} (${same[0].routing_key})` : `${same.length} messages`;
      const log = `${what} not published, retrying in ${delayMs} ms: ${message}`;
      if (unroutable) this.logger.warn(log);
      else this.logger.error(log);
      await db.query(
        `UPDATE txmsg_outbox
            SET attempts = attempts + 1, next_attempt_at = DATE_ADD(NOW(3), INTERVAL ? MICROSECOND), last_error = ?
          WHERE message_id IN (?) AND status = 'READY'`,
        [delayMs * 1000, message.slice(0, 1000), same.map((row) => row.message_id)],
      );
    }
  }
}

function reasonOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { FailureStore } from '../store/failure-store';
import { NotificationStore } from '../store/notification-store';
import { OrderingStore } from '../store/ordering-store';
import { OutboxStore } from '../store/outbox-store';
import { StoreDatabase } from '../store/store-database';
import { DEFAULT_METRICS_READ_INTERVAL_MS } from '../options/with-defaults';
import type { CheckAnswer } from '../transaction/ask-listener';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { registerBacklogGauges } from './backlog-gauges';
import { type Collectors, createCollectors } from './collectors';
import { receiverOrigin } from './receiver-origin';
import { type ScrapeStatements, scrapeStatements } from './scrape-queries';

/**
 * What became of one consumed message: `conflict` and `forged` are parked too (a different body
 * under a known id or key; a bad or missing signature), `dead_lettered` went to the broker-side
 * parking queue because its outcome could not be recorded, `held` (ordered consumers) arrived
 * before its predecessor and waits for it.
 */
export type ConsumeOutcome =
  'applied' | 'duplicate' | 'retry' | 'parked' | 'requeued' | 'conflict' | 'forged' | 'dead_lettered' | 'held';

/**
 * Prometheus metrics of the library, on a registry of this application's own, injectable as
 * `TXMSG_METRICS_REGISTRY` (served at `GET /metrics` with the process's default metrics when the
 * `metrics` option is on). Backlogs, ages and parked messages are read from the database at
 * scrape time, at most once per `metrics.readIntervalMs` (5 s by default) however often it is
 * scraped, so every instance reports the shared truth; when a read fails its gauges are left out
 * and `txmsg_backlog_up` is 0 (see {@link registerBacklogGauges}).
 */
@Injectable()
export class TxMsgMetrics {
  readonly registry = new Registry();
  private readonly logger = new Logger(TxMsgMetrics.name);
  private readonly collectors: Collectors;
  /** The statements the database gauges are read with, by query name. */
  readonly gaugeStatements: ScrapeStatements;

  constructor(
    db: StoreDatabase,
    outbox: OutboxStore,
    failures: FailureStore,
    notifications: NotificationStore,
    ordering: OrderingStore,
    @Inject(TXMSG_OPTIONS) options: ResolvedTxMsgOptions,
  ) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ service: options.service });
    // The process's metrics only where the library serves them: a host serving its own /metrics
    // has them already, and a merged registry must not name a metric twice.
    if (options.metrics) collectDefaultMetrics({ register: this.registry });
    this.collectors = createCollectors(registers);
    const readIntervalMs = options.metrics ? options.metrics.readIntervalMs : DEFAULT_METRICS_READ_INTERVAL_MS;
    this.gaugeStatements = scrapeStatements({ db, outbox, failures, notifications, ordering });
    registerBacklogGauges(db.dataSource, this.gaugeStatements, registers, this.logger, readIntervalMs);
    // Known label values start at 0, so increase() sees the first event rather than a new series.
    for (const outcome of ['commit', 'rollback', 'unknown', 'error']) this.collectors.checkBacks.inc({ outcome }, 0);
    for (const reason of ['unroutable', 'error']) this.collectors.publishFailures.inc({ reason }, 0);
  }

  messagePublished(routingKey: string, writtenAt: Date): void {
    this.collectors.published.inc({ routing_key: routingKey });
    this.collectors.lag.observe(Math.max(0, Date.now() - new Date(writtenAt).getTime()) / 1000);
  }

  publishFailed(reason: 'unroutable' | 'error'): void {
    this.collectors.publishFailures.inc({ reason });
  }

  messageConsumed(consumer: string, outcome: ConsumeOutcome): void {
    this.collectors.consumed.inc({ consumer, outcome });
  }

  /**
   * This process's `txmsg_consumer_messages_total` as it stands, one entry per consumer and
   * outcome counted since the process started (a pair never counted has none).
   */
  async consumedCounts(): Promise<{ consumer: string; outcome: ConsumeOutcome; count: number }[]> {
    const { values } = await this.collectors.consumed.get();
    return values.map(({ labels, value }) => ({
      consumer: String(labels.consumer),
      outcome: labels.outcome as ConsumeOutcome,
      count: value,
    }));
  }

  /** A transaction of `consumer` committed with `size` deliveries in it (a group that failed is not counted). */
  batchCommitted(consumer: string, size: number): void {
    this.collectors.batches.observe({ consumer }, size);
  }

  /** One POST to `targetUrl`, counted under its origin only (see {@link receiverOrigin}). */
  notificationAttempted(outcome: 'delivered' | 'failed' | 'gave_up', targetUrl: string): void {
    this.collectors.notified.inc({ outcome, origin: receiverOrigin(targetUrl) });
  }

  checkBackAnswered(answer: CheckAnswer): void {
    this.collectors.checkBacks.inc({ outcome: answer.toLowerCase() });
  }
}

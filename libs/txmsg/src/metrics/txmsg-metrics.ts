import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { registerBacklogGauges } from './backlog-gauges';

/** What became of one consumed message. */
export type ConsumeOutcome = 'applied' | 'duplicate' | 'retry' | 'parked' | 'requeued';

/**
 * Prometheus metrics of the library, on a registry of this application's own, injectable as
 * `TXMSG_METRICS_REGISTRY` (served at `GET /metrics` with the process's default metrics when the
 * `metrics` option is on). Backlogs are read from the database at
 * scrape time, so every instance reports the shared truth; when that read fails they are left
 * out and `txmsg_backlog_up` is 0 (see {@link registerBacklogGauges}).
 */
@Injectable()
export class TxMsgMetrics {
  readonly registry = new Registry();
  private readonly logger = new Logger(TxMsgMetrics.name);
  private readonly published: Counter<'routing_key'>;
  private readonly publishFailures: Counter<'reason'>;
  private readonly lag: Histogram;
  private readonly consumed: Counter<'consumer' | 'outcome'>;
  private readonly batches: Histogram<'consumer'>;
  private readonly notified: Counter<'outcome'>;

  constructor(@InjectDataSource() dataSource: DataSource, @Inject(TXMSG_OPTIONS) options: ResolvedTxMsgOptions) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ service: options.service });
    // The process's metrics only where the library serves them: a host serving its own /metrics
    // has them already, and a merged registry must not name a metric twice.
    if (options.metrics) collectDefaultMetrics({ register: this.registry });
    this.published = new Counter({
      name: 'txmsg_outbox_published_total',
      help: 'Outbox messages confirmed and routed by the broker.',
      labelNames: ['routing_key'],
      registers,
    });
    this.publishFailures = new Counter({
      name: 'txmsg_outbox_publish_failures_total',
      help: 'Publish attempts that will be retried (unroutable, nacked, timed out).',
      labelNames: ['reason'],
      registers,
    });
    this.lag = new Histogram({
      name: 'txmsg_outbox_delivery_lag_seconds',
      help: 'Time from the outbox write to the broker confirm.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300],
      registers,
    });
    this.consumed = new Counter({
      name: 'txmsg_consumer_messages_total',
      help: 'Deliveries to @Idempotent handlers, by outcome.',
      labelNames: ['consumer', 'outcome'],
      registers,
    });
    this.batches = new Histogram({
      name: 'txmsg_consumer_batch_size',
      help: 'Deliveries applied together in one transaction (group commit), per transaction.',
      labelNames: ['consumer'],
      buckets: [1, 2, 5, 10, 20, 50, 100],
      registers,
    });
    this.notified = new Counter({
      name: 'txmsg_notification_attempts_total',
      help: 'HTTP notification attempts, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    registerBacklogGauges(dataSource, registers, this.logger);
  }

  messagePublished(routingKey: string, writtenAt: Date): void {
    this.published.inc({ routing_key: routingKey });
    this.lag.observe(Math.max(0, Date.now() - new Date(writtenAt).getTime()) / 1000);
  }

  publishFailed(reason: 'unroutable' | 'error'): void {
    this.publishFailures.inc({ reason });
  }

  messageConsumed(consumer: string, outcome: ConsumeOutcome): void {
    this.consumed.inc({ consumer, outcome });
  }

  /** A transaction of `consumer` committed with `size` deliveries in it (a group that failed is not counted). */
  batchCommitted(consumer: string, size: number): void {
    this.batches.observe({ consumer }, size);
  }

  notificationAttempted(outcome: 'delivered' | 'failed' | 'gave_up'): void {
    this.notified.inc({ outcome });
  }
}

import { Counter, Histogram, type Registry } from 'prom-client';

/** The library's counters and histograms, registered on `registers`. */
export function createCollectors(registers: Registry[]) {
  return {
    published: new Counter({
      name: 'txmsg_outbox_published_total',
      help: 'Outbox messages confirmed and routed by the broker.',
      labelNames: ['routing_key'],
      registers,
    }),
    publishFailures: new Counter({
      name: 'txmsg_outbox_publish_failures_total',
      help: 'Publish attempts that will be retried (unroutable, nacked, timed out).',
      labelNames: ['reason'],
      registers,
    }),
    lag: new Histogram({
      name: 'txmsg_outbox_delivery_lag_seconds',
      help: 'Time from the outbox write to the broker confirm.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300],
      registers,
    }),
    consumed: new Counter({
      name: 'txmsg_consumer_messages_total',
      help: 'Deliveries to @Idempotent handlers, by outcome.',
      labelNames: ['consumer', 'outcome'],
      registers,
    }),
    batches: new Histogram({
      name: 'txmsg_consumer_batch_size',
      help: 'Deliveries applied together in one transaction (group commit), per transaction.',
      labelNames: ['consumer'],
      buckets: [1, 2, 5, 10, 20, 50, 100],
      registers,
    }),
    notified: new Counter({
      name: 'txmsg_notification_attempts_total',
      help: 'HTTP notification attempts, by outcome (delivered, failed, gave_up) and receiver origin (scheme://host:port).',
      labelNames: ['outcome', 'origin'],
      registers,
    }),
    checkBacks: new Counter({
      name: 'txmsg_check_back_total',
      help: 'Check-backs of half messages, by answer: commit, rollback, unknown, or error (check() threw or no listener).',
      labelNames: ['outcome'],
      registers,
    }),
  };
}

/** The collectors {@link TxMsgMetrics} records to. */
export type Collectors = ReturnType<typeof createCollectors>;

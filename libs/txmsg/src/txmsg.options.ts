import { webhookKey } from './notify/webhook-signature';
import { CRASH_POINTS, type CrashPoint } from './support/crash-point';

/** Broker connection and topology. */
export interface TxMsgBrokerOptions {
  /** AMQP URI; a vhost in the path isolates an environment. */
  uri: string;
  /** Topic exchange every integration event is published to. Default `txmsg.events`. */
  exchange?: string;
  /** Unacknowledged deliveries per consumer channel. Default 20. */
  prefetch?: number;
  /**
   * Queue type for the queues the library declares (retry parking is in the database).
   * `quorum` replicates across a RabbitMQ cluster; default `classic`.
   */
  queueType?: 'classic' | 'quorum';
  /** How long start-up waits for the broker before failing. Default 30 s. */
  connectTimeoutMs?: number;
}

/** Outbox relay: moves committed outbox rows to the broker. */
export interface TxMsgRelayOptions {
  /** Run the relay in this process. Default true. */
  enabled?: boolean;
  /** Rows claimed per round. Default 100. */
  batchSize?: number;
  /** Fallback poll when no local commit woke the relay. Default 1000 ms. */
  pollIntervalMs?: number;
  /** A publish not confirmed by the broker within this time counts as failed. Default 5000 ms. */
  publishTimeoutMs?: number;
  /** First delay after a failed publish (unroutable, nacked, timed out); doubles each time. Default 1000 ms. */
  retryBaseMs?: number;
  /** Ceiling of that delay. Default 30 000 ms. */
  retryMaxMs?: number;
  /**
   * Publish each message right after its transaction commits, from the process that wrote it;
   * the relay's poll then only catches what that missed (a crash, the broker down). Default true.
   */
  dispatchOnCommit?: boolean;
}

/** RocketMQ-style check-back of transactional messages whose local outcome is UNKNOWN. */
export interface TxMsgCheckOptions {
  /** First check this long after the half message was written. Default 6000 ms (RocketMQ's transactionTimeout). */
  firstCheckAfterMs?: number;
  /** Interval between checks. Default 60 000 ms (RocketMQ's checkInterval). */
  intervalMs?: number;
  /** Checks before the message is discarded and recorded as exhausted. Default 15 (RocketMQ's checkMax). */
  maxChecks?: number;
  /** How often the checker looks for due messages. Default 1000 ms. */
  scanIntervalMs?: number;
}

/** Consumer retries: a failing handler gets the message again after each step, then it is parked. */
export interface TxMsgRetryOptions {
  /** Delays in ms. Default 1m,5m,10m,30m,1h,2h,5h,10h. */
  ladderMs?: number[];
  /** How often due retries are looked for. Default 1000 ms. */
  scanIntervalMs?: number;
}

/** How {@link Idempotent} consumers commit. */
export interface TxMsgConsumerOptions {
  /**
   * Group commit: the most deliveries of one consumer applied in one database transaction.
   * Deliveries that arrive while a transaction of their consumer runs wait for it and share the
   * next one, so under load many messages cost one commit; alone, a delivery is applied at once.
   * A batch in which a handler throws is rolled back and each of its deliveries runs again in a
   * transaction of its own, so a failing message never fails another. 1 turns it off. Default 50.
   */
  maxBatch?: number;
  /**
   * On shutdown, how long deliveries in flight may take to finish once the consumers are
   * cancelled; any still running then are delivered again by the broker. Default 5000 ms (keep it
   * below the host's own shutdown grace period).
   */
  drainTimeoutMs?: number;
}

/** Purging of what is no longer needed. */
export interface TxMsgHousekeepingOptions {
  /**
   * Keep published outbox rows, dedup rows, and delivered or failed notifications with their
   * attempts this long. Default 7 days; must exceed the whole ladder.
   */
  retentionMs?: number;
  /**
   * A retry sent back to its queue this long ago that has neither been handled nor failed again
   * is taken as lost (its queue purged or deleted, the broker lost it) and sent again. Default
   * 1 hour (half the retention if that is shorter); must be shorter than the retention, so a first
   * copy that turns up after all still finds its dedup row.
   */
  redispatchAfterMs?: number;
  /** Run every. Default 10 minutes. */
  intervalMs?: number;
  /** Rows per DELETE, so a purge never holds many locks. Default 500. */
  batchSize?: number;
}

/** Best-effort HTTP notification: signed webhooks retried on a ladder. */
export interface TxMsgNotifyOptions {
  /**
   * HMAC key for the receivers of `allowedOrigins`. A `whsec_`-prefixed key is read as Standard
   * Webhooks libraries read it (base64 after the prefix); any other is used as written.
   */
  secret?: string;
  /** HMAC keys by receiver origin (`https://merchant.example:8443`); each origin is thereby allowed. */
  secrets?: Record<string, string>;
  /**
   * Origins (`https://merchant.example:8443`) notifications may be sent to, signed with `secret`.
   * A URL whose origin is neither here nor a key of `secrets` is refused. The notifier connects
   * to public addresses only: an allowed name that resolves to a loopback, private, link-local or
   * otherwise internal address is refused at each connection; to reach such a receiver, list its
   * IP literal (`http://10.0.0.7:8080`), which allows exactly that address. Default none.
   */
  allowedOrigins?: string[];
  /** Delays between attempts, in ms. Default: `retry.ladderMs`. */
  ladderMs?: number[];
  /**
   * An attempt that has no answer within this time failed. Default 5000 ms. Due notifications are
   * leased for twice this plus 10 s while their attempt runs.
   */
  timeoutMs?: number;
  /** How often due notifications are looked for. Default 1000 ms. */
  scanIntervalMs?: number;
}

/** Options of {@link TxMsgModule}. */
export interface TxMsgModuleOptions {
  /** Name of this service: the `source` of every message it sends and the prefix of its queues. */
  service: string;
  broker: TxMsgBrokerOptions;
  relay?: TxMsgRelayOptions;
  check?: TxMsgCheckOptions;
  retry?: TxMsgRetryOptions;
  consumer?: TxMsgConsumerOptions;
  housekeeping?: TxMsgHousekeepingOptions;
  notify?: TxMsgNotifyOptions;
  /** Bearer token of the admin API (`/txmsg/...`); without it the admin API refuses every call. */
  adminToken?: string;
  /** Fault injection for tests: kill the process at this point (see {@link CrashPoint}). Never in production. */
  crashPoint?: CrashPoint;
}

/** {@link TxMsgModuleOptions} with every default filled in. */
export interface ResolvedTxMsgOptions {
  service: string;
  broker: Required<TxMsgBrokerOptions>;
  relay: Required<TxMsgRelayOptions>;
  check: Required<TxMsgCheckOptions>;
  retry: Required<TxMsgRetryOptions>;
  consumer: Required<TxMsgConsumerOptions>;
  housekeeping: Required<TxMsgHousekeepingOptions>;
  notify: Omit<Required<TxMsgNotifyOptions>, 'secret'> & { secret?: string };
  adminToken?: string;
  crashPoint?: CrashPoint;
}

/** The seed's notification ladder (section 6.2): 1m, 5m, 10m, 30m, 1h, 2h, 5h, 10h, in milliseconds. */
export const DEFAULT_LADDER_MS = [1, 5, 10, 30, 60, 120, 300, 600].map((m) => m * 60_000);

/** Fills in every default. Pure. */
export function withDefaults(options: TxMsgModuleOptions): ResolvedTxMsgOptions {
  const ladderMs = options.retry?.ladderMs ?? DEFAULT_LADDER_MS;
  const ladderTotal = ladderMs.reduce((sum, ms) => sum + ms, 0);
  return {
    service: options.service,
    broker: {
      exchange: 'txmsg.events',
      prefetch: 20,
      queueType: 'classic',
      connectTimeoutMs: 30_000,
      ...options.broker,
    },
    relay: {
      enabled: true,
      batchSize: 100,
      pollIntervalMs: 1000,
      publishTimeoutMs: 5000,
      retryBaseMs: 1000,
      retryMaxMs: 30_000,
      dispatchOnCommit: true,
      ...options.relay,
    },
    check: { firstCheckAfterMs: 6000, intervalMs: 60_000, maxChecks: 15, scanIntervalMs: 1000, ...options.check },
    retry: { ladderMs, scanIntervalMs: 1000, ...options.retry },
    consumer: { maxBatch: 50, drainTimeoutMs: 5000, ...options.consumer },
    housekeeping: withHousekeepingDefaults(options.housekeeping, ladderTotal),
    notify: { secrets: {}, allowedOrigins: [], ladderMs, timeoutMs: 5000, scanIntervalMs: 1000, ...options.notify },
    adminToken: options.adminToken,
    crashPoint: options.crashPoint,
  };
}

function withHousekeepingDefaults(
  options: TxMsgHousekeepingOptions | undefined,
  ladderTotal: number,
): Required<TxMsgHousekeepingOptions> {
  const retentionMs = options?.retentionMs ?? Math.max(7 * 24 * 3_600_000, ladderTotal * 2);
  return {
    retentionMs,
    redispatchAfterMs: Math.min(3_600_000, Math.floor(retentionMs / 2)),
    intervalMs: 10 * 60_000,
    batchSize: 500,
    ...options,
  };
}

/** An http(s) origin with nothing else: no user, path, query or fragment. */
function isOrigin(text: string): boolean {
  if (!/^https?:\/\/[^/?#@\\]+$/i.test(text)) return false;
  try {
    return new URL(text).origin !== 'null';
  } catch {
    return false;
  }
}

/**
 * Checks resolved options; throws one Error listing every problem, each as a sentence.
 * Pure.
 */
export function assertValid(options: ResolvedTxMsgOptions): void {
  const problems: string[] = [];
  const positive = (value: number, name: string) => {
    if (!Number.isInteger(value) || value <= 0) problems.push(`${name} must be a positive whole number, got ${value}.`);
  };
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(options.service ?? '')) {
    problems.push(`service must be a lower-case name such as "bank1", got "${options.service}".`);
  }
  if (!/^amqps?:\/\//.test(options.broker.uri ?? '')) {
    problems.push(`broker.uri must be an amqp:// or amqps:// URI, got "${options.broker.uri}".`);
  }
  if (!['classic', 'quorum'].includes(options.broker.queueType)) {
    problems.push(`broker.queueType must be "classic" or "quorum", got "${options.broker.queueType}".`);
  }
  positive(options.broker.prefetch, 'broker.prefetch');
  positive(options.broker.connectTimeoutMs, 'broker.connectTimeoutMs');
  positive(options.relay.batchSize, 'relay.batchSize');
  positive(options.relay.pollIntervalMs, 'relay.pollIntervalMs');
  positive(options.relay.publishTimeoutMs, 'relay.publishTimeoutMs');
  positive(options.relay.retryBaseMs, 'relay.retryBaseMs');
  positive(options.relay.retryMaxMs, 'relay.retryMaxMs');
  positive(options.check.firstCheckAfterMs, 'check.firstCheckAfterMs');
  positive(options.check.intervalMs, 'check.intervalMs');
  positive(options.check.maxChecks, 'check.maxChecks');
  positive(options.check.scanIntervalMs, 'check.scanIntervalMs');
  positive(options.retry.scanIntervalMs, 'retry.scanIntervalMs');
  positive(options.consumer.maxBatch, 'consumer.maxBatch');
  positive(options.consumer.drainTimeoutMs, 'consumer.drainTimeoutMs');
  if (options.retry.ladderMs.length === 0) problems.push('retry.ladderMs must have at least one step.');
  options.retry.ladderMs.forEach((ms, i) => positive(ms, `retry.ladderMs[${i}]`));
  positive(options.housekeeping.retentionMs, 'housekeeping.retentionMs');
  positive(options.housekeeping.redispatchAfterMs, 'housekeeping.redispatchAfterMs');
  positive(options.housekeeping.intervalMs, 'housekeeping.intervalMs');
  positive(options.housekeeping.batchSize, 'housekeeping.batchSize');
  if (options.notify.ladderMs.length === 0) problems.push('notify.ladderMs must have at least one step.');
  options.notify.ladderMs.forEach((ms, i) => positive(ms, `notify.ladderMs[${i}]`));
  positive(options.notify.timeoutMs, 'notify.timeoutMs');
  positive(options.notify.scanIntervalMs, 'notify.scanIntervalMs');
  for (const origin of Object.keys(options.notify.secrets)) {
    if (!isOrigin(origin))
      problems.push(`notify.secrets keys must be origins such as "https://host:443", got "${origin}".`);
  }
  for (const origin of options.notify.allowedOrigins) {
    if (!isOrigin(origin))
      problems.push(`notify.allowedOrigins must hold origins such as "https://host:443", got "${origin}".`);
  }
  const secrets: [string, string | undefined][] = [
    ['notify.secret', options.notify.secret],
    ...Object.entries(options.notify.secrets),
  ];
  for (const [name, secret] of secrets) {
    if (secret === undefined) continue;
    try {
      webhookKey(secret);
    } catch (error) {
      problems.push(`the notification key of ${name}: ${(error as Error).message}.`);
    }
  }
  const ladderTotal = options.retry.ladderMs.reduce((sum, ms) => sum + ms, 0);
  if (options.housekeeping.retentionMs <= ladderTotal) {
    problems.push(
      `housekeeping.retentionMs (${options.housekeeping.retentionMs}) must exceed the whole retry ladder (${ladderTotal} ms), or a late redelivery would find its dedup row purged.`,
    );
  }
  if (options.housekeeping.redispatchAfterMs >= options.housekeeping.retentionMs) {
    problems.push(
      `housekeeping.redispatchAfterMs (${options.housekeeping.redispatchAfterMs}) must be shorter than housekeeping.retentionMs (${options.housekeeping.retentionMs}), or a lost retry sent again could find its dedup row purged.`,
    );
  }
  if (options.crashPoint !== undefined && !CRASH_POINTS.includes(options.crashPoint)) {
    problems.push(`crashPoint must be one of ${CRASH_POINTS.join(', ')}, got "${options.crashPoint}".`);
  }
  if (problems.length > 0) throw new Error(`Invalid TxMsgModule options: ${problems.join(' ')}`);
}

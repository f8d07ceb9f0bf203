import { CRASH_POINTS, type CrashPoint } from '@txmsg/nestjs/testing';
import { type Env, EnvReader } from './env-reader';
import { type DatabaseConfig, readDatabaseConfig } from './database-config';
import { type MessageSigningConfig, readMessageSigning } from './message-signing';
import { DEFAULT_RATE_LIMIT, parseRateLimit, type RateLimit } from './rate-limit';

export type { DatabaseConfig, DbType } from './database-config';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The settings every service shares. */
export interface ServiceConfig {
  service: string;
  /** Interface the HTTP server binds to. */
  host: string;
  port: number;
  db: DatabaseConfig;
  /** The broker's address, or each node's address of a cluster (RABBITMQ_URL, comma-separated). */
  rabbitUrls: string[];
  retryLadderMs: number[];
  adminToken?: string;
  /** Bearer token a scrape of `GET /metrics` must send; undefined leaves the endpoint open. */
  metricsToken?: string;
  logLevel: LogLevel;
  /** How long start-up waits for the database and RabbitMQ before giving up. */
  startupWaitMs: number;
  /** `quorum` for a RabbitMQ cluster. */
  queueType: 'classic' | 'quorum';
  /** Fault injection for the chaos tests only: the library kills the process at this point. */
  crashPoint?: CrashPoint;
  /**
   * Outbox relay fallback poll, the ceiling of its back-off for unpublishable messages, and
   * whether messages are published right after their commit (the relay then only catches misses).
   */
  relay: { pollIntervalMs: number; retryMaxMs: number; dispatchOnCommit: boolean };
  /** Group commit of consumers: the most messages applied in one transaction. */
  consumer: { maxBatch: number };
  /** Check-back of transactional messages left UNKNOWN (RocketMQ's defaults). */
  check: { firstCheckAfterMs: number; intervalMs: number; maxChecks: number };
  /**
   * Requests per client address on the endpoints that make the service work for an
   * unauthenticated caller; undefined when switched off (`RATE_LIMIT=off`).
   */
  rateLimit?: RateLimit;
  /** A request whose headers and body have not fully arrived by then is answered 408 and closed. */
  httpRequestTimeoutMs: number;
  /** How messages are signed and which signatures are accepted; undefined when MESSAGE_SIGNING=false. */
  signing?: MessageSigningConfig;
}

export const DEFAULT_RETRY_LADDER = '1m,5m,10m,30m,1h,2h,5h,10h';

/**
 * Reads and validates the variables every service shares. Throws a ConfigError naming the first
 * bad variable; `bootstrapService` turns that into one log line and exit code 1.
 */
export function loadServiceConfig(service: string, defaultPort: number, env: Env = process.env): ServiceConfig {
  const read = new EnvReader(env);
  const db = readDatabaseConfig(read, service);
  return {
    service,
    host: read.string('HOST', '127.0.0.1'),
    port: read.int('PORT', defaultPort, 1, 65535),
    db,
    rabbitUrls: read.urls('RABBITMQ_URL', 'amqp://guest:guest@127.0.0.1:5672', ['amqp:', 'amqps:']),
    retryLadderMs: read.ladder('RETRY_LADDER', DEFAULT_RETRY_LADDER),
    adminToken: read.optional('TXMSG_ADMIN_TOKEN'),
    metricsToken: read.optional('METRICS_TOKEN'),
    logLevel: read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    startupWaitMs: read.duration('STARTUP_WAIT', '30s'),
    queueType: read.oneOf('RABBITMQ_QUEUE_TYPE', 'classic', ['classic', 'quorum'] as const),
    relay: {
      pollIntervalMs: read.duration('TXMSG_RELAY_POLL_INTERVAL', '1s'),
      retryMaxMs: read.duration('TXMSG_RELAY_RETRY_MAX', '30s'),
      dispatchOnCommit: read.bool('TXMSG_DISPATCH_ON_COMMIT', true),
    },
    consumer: { maxBatch: read.int('TXMSG_CONSUMER_MAX_BATCH', 50, 1, 1000) },
    check: {
      firstCheckAfterMs: read.duration('TXMSG_CHECK_FIRST_AFTER', '6s'),
      intervalMs: read.duration('TXMSG_CHECK_INTERVAL', '60s'),
      maxChecks: read.int('TXMSG_CHECK_MAX', 15, 1, 1000),
    },
    rateLimit: read.parsed('RATE_LIMIT', DEFAULT_RATE_LIMIT, parseRateLimit),
    httpRequestTimeoutMs: read.duration('HTTP_REQUEST_TIMEOUT', '60s'),
    signing: readMessageSigning(read),
    crashPoint:
      read.optional('TXMSG_CRASH_POINT') === undefined
        ? undefined
        : read.oneOf('TXMSG_CRASH_POINT', CRASH_POINTS[0], CRASH_POINTS),
  };
}

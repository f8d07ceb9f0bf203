import type { TxMsgHousekeepingOptions } from './housekeeping-options';
import type { TxMsgMessageOptions } from './message-options';
import type { TxMsgModuleOptions } from './module-options';
import type { ResolvedTxMsgOptions } from './resolved-options';

/** The seed's notification ladder (section 6.2): 1m, 5m, 10m, 30m, 1h, 2h, 5h, 10h, in milliseconds. */
export const DEFAULT_LADDER_MS = [1, 5, 10, 30, 60, 120, 300, 600].map((m) => m * 60_000);

/** How often, at most, the gauges read from the database are read (`metrics.readIntervalMs`). */
export const DEFAULT_METRICS_READ_INTERVAL_MS = 5000;

/** How often the console's overview samples its rates and backlogs (`console.sampleIntervalMs`). */
export const DEFAULT_CONSOLE_SAMPLE_INTERVAL_MS = 15_000;

/** Fills in every default. Pure. */
export function withDefaults(options: TxMsgModuleOptions): ResolvedTxMsgOptions {
  const ladderMs = options.retry?.ladderMs ?? DEFAULT_LADDER_MS;
  const ladderTotal = ladderMs.reduce((sum, ms) => sum + ms, 0);
  const housekeeping = withHousekeepingDefaults(options.housekeeping, ladderTotal);
  return {
    service: options.service,
    broker: {
      exchange: 'txmsg.events',
      prefetch: 50,
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
    consumer: { maxBatch: 50, drainTimeoutMs: 5000, unrecordedTries: 3, unrecordedForMs: 600_000, ...options.consumer },
    messages: withMessageDefaults(options.messages, housekeeping.retentionMs),
    housekeeping,
    notify: {
      secrets: {},
      allowedOrigins: [],
      ladderMs,
      retryPolicies: {},
      timeoutMs: 5000,
      scanIntervalMs: 1000,
      ...options.notify,
    },
    admin: options.admin ? { token: options.admin.token, path: routePath(options.admin.path ?? 'txmsg') } : false,
    console: withConsoleDefaults(options),
    metrics: withMetricsDefaults(options.metrics),
    cls: options.cls ?? 'own',
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

function withMessageDefaults(
  options: TxMsgMessageOptions | undefined,
  retentionMs: number,
): ResolvedTxMsgOptions['messages'] {
  const { signing, ...limits } = options ?? {};
  return {
    maxBytes: 1024 * 1024,
    maxDepth: 64,
    inFlightBudgetBytes: 64 * 1024 * 1024,
    ...limits,
    ...(signing ? { signing: { maxAgeMs: retentionMs, ...signing } } : {}),
  };
}

function withMetricsDefaults(metrics: TxMsgModuleOptions['metrics']): ResolvedTxMsgOptions['metrics'] {
  if (!metrics) return false;
  const given = metrics === true ? {} : metrics;
  return {
    path: routePath(given.path ?? 'metrics'),
    token: given.token,
    readIntervalMs: given.readIntervalMs ?? DEFAULT_METRICS_READ_INTERVAL_MS,
  };
}

function withConsoleDefaults(options: TxMsgModuleOptions): ResolvedTxMsgOptions['console'] {
  // No token, no console: a page that would admit nobody is better not served at all.
  if (!options.console || !options.admin || !options.admin.token) return false;
  const given = options.console === true ? {} : options.console;
  return {
    path: routePath(given.path ?? `${routePath(options.admin.path ?? 'txmsg')}/console`),
    sampleIntervalMs: given.sampleIntervalMs ?? DEFAULT_CONSOLE_SAMPLE_INTERVAL_MS,
  };
}

/** A route path as the options give it, without the slashes around it (`/ops/txmsg/` is `ops/txmsg`). */
function routePath(path: string): string {
  return typeof path === 'string' ? path.replace(/^\/+|\/+$/g, '') : path;
}

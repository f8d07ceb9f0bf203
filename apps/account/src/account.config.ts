import { ConfigError, type Env, EnvReader, loadServiceConfig, type ServiceConfig } from '@app/common';

/** When and how long account reconciles pending recharges with pay. */
export interface ReconcileConfig {
  /** A recharge still PENDING this long after it was created is queried at pay (RECONCILE_AFTER). */
  afterMs: number;
  /** How often the reconciler looks, and the least time between two queries of one recharge (RECONCILE_INTERVAL). */
  intervalMs: number;
  /** A recharge pay still does not know this long after creation becomes FAILED (RECONCILE_DEADLINE). */
  deadlineMs: number;
  /**
   * Whether each round also pulls pay's result list from the stored cursor (RECONCILE_PULL). The
   * list takes pay's admin token: without `payAdminToken` nothing is pulled.
   */
  pull: boolean;
}

/** The account system's configuration: the shared variables plus pay's address, webhooks and reconciliation. */
export interface AccountConfig extends ServiceConfig {
  /** Base URL of pay (PAY_URL). */
  payUrl: string;
  /** A request to pay with no answer within this time failed (PAY_TIMEOUT). */
  payTimeoutMs: number;
  /** pay's admin token (its TXMSG_ADMIN_TOKEN), sent only to pull pay's result list (PAY_ADMIN_TOKEN). */
  payAdminToken?: string;
  /** HMAC-SHA256 key of pay's signed webhooks (NOTIFY_SECRET); without it account asks for MQ notification only. */
  notifySecret?: string;
  /** Base URL at which pay reaches this service's webhook endpoint (ACCOUNT_PUBLIC_URL). */
  publicUrl: string;
  reconcile: ReconcileConfig;
}

/** Reads and validates the account system's configuration; throws a ConfigError naming the bad variable. */
export function loadAccountConfig(env: Env = process.env): AccountConfig {
  const read = new EnvReader(env);
  const service = loadServiceConfig('account', 3004, env);
  const reconcile = {
    afterMs: read.duration('RECONCILE_AFTER', '30s'),
    intervalMs: read.duration('RECONCILE_INTERVAL', '10s'),
    deadlineMs: read.duration('RECONCILE_DEADLINE', '1h'),
    pull: read.bool('RECONCILE_PULL', true),
  };
  if (reconcile.deadlineMs <= reconcile.afterMs) {
    throw new ConfigError(
      `RECONCILE_DEADLINE (${reconcile.deadlineMs} ms) must be longer than RECONCILE_AFTER (${reconcile.afterMs} ms), or pending recharges would fail before they are ever queried.`,
    );
  }
  return {
    ...service,
    payUrl: withoutTrailingSlash(read.url('PAY_URL', 'http://127.0.0.1:3003', ['http:', 'https:'])),
    payTimeoutMs: read.duration('PAY_TIMEOUT', '5s'),
    payAdminToken: read.optional('PAY_ADMIN_TOKEN'),
    notifySecret: read.optional('NOTIFY_SECRET'),
    publicUrl: withoutTrailingSlash(
      read.url('ACCOUNT_PUBLIC_URL', `http://127.0.0.1:${service.port}`, ['http:', 'https:']),
    ),
    reconcile,
  };
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

import { ConfigError, type Env, EnvReader, loadServiceConfig, parseAmount, type ServiceConfig } from '@app/common';
import type Decimal from 'decimal.js';
import { parseNotifySecrets } from './recharges/notify-secrets';

/** pay's configuration: the shared variables plus webhook receivers with their keys, and the recharge limit. */
export interface PayConfig extends ServiceConfig {
  /**
   * The receivers a notifyUrl may point to, each with its own HMAC-SHA256 key, e.g.
   * `{ "https://merchant.example/hooks/": "k1" }` (NOTIFY_SECRETS).
   */
  notifySecrets: Record<string, string>;
  /** A single recharge above this amount gets the result "fail" (RECHARGE_LIMIT). */
  rechargeLimit: Decimal;
}

/** Reads and validates pay's configuration; throws a ConfigError naming the bad variable. */
export function loadPayConfig(env: Env = process.env): PayConfig {
  const read = new EnvReader(env);
  if (read.optional('NOTIFY_URL_ALLOW') !== undefined) {
    // Every receiver it listed was signed with NOTIFY_SECRET: any of them could forge webhooks to the others.
    throw new ConfigError(
      'NOTIFY_URL_ALLOW is no longer accepted: its receivers shared NOTIFY_SECRET, so any of them could forge webhooks to the others. ' +
        'Give each receiver its own key in NOTIFY_SECRETS instead, e.g. NOTIFY_SECRETS=http://127.0.0.1:3004/notifications/=key1,https://merchant.example/hooks/=key2.',
    );
  }
  return {
    ...loadServiceConfig('pay', 3003, env),
    notifySecrets: parseNotifySecrets('NOTIFY_SECRETS', read.optional('NOTIFY_SECRETS')),
    rechargeLimit: readLimit(read.string('RECHARGE_LIMIT', '50000.00')),
  };
}

function readLimit(text: string): Decimal {
  const parsed = parseAmount(text);
  if ('error' in parsed)
    throw new ConfigError(`RECHARGE_LIMIT must be an amount such as 50000.00 (it ${parsed.error}), got "${text}".`);
  return parsed.amount;
}

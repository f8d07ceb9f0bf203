import { ConfigError, type Env, EnvReader, loadServiceConfig, parseAmount, type ServiceConfig } from '@app/common';
import type Decimal from 'decimal.js';
import { parseNotifySecrets, parseOrigins } from './recharges/notify-secrets';

/** pay's configuration: the shared variables plus webhook signing keys and the recharge limit. */
export interface PayConfig extends ServiceConfig {
  /** HMAC-SHA256 key for every webhook receiver without its own (NOTIFY_SECRET). */
  notifySecret?: string;
  /** HMAC-SHA256 keys by receiver origin, e.g. `{ "https://merchant.example": "k1" }` (NOTIFY_SECRETS); each origin is allowed. */
  notifySecrets: Record<string, string>;
  /** Further receiver origins a notifyUrl may point to, signed with notifySecret (NOTIFY_URL_ALLOW). */
  notifyUrlAllow: string[];
  /** A single recharge above this amount gets the result "fail" (RECHARGE_LIMIT). */
  rechargeLimit: Decimal;
}

/** Reads and validates pay's configuration; throws a ConfigError naming the bad variable. */
export function loadPayConfig(env: Env = process.env): PayConfig {
  const read = new EnvReader(env);
  const notifySecret = read.optional('NOTIFY_SECRET');
  const notifyUrlAllow = parseOrigins('NOTIFY_URL_ALLOW', read.optional('NOTIFY_URL_ALLOW'));
  if (notifyUrlAllow.length > 0 && !notifySecret) {
    throw new ConfigError(
      'NOTIFY_URL_ALLOW lists receivers whose webhooks NOTIFY_SECRET signs, but NOTIFY_SECRET is not set.',
    );
  }
  return {
    ...loadServiceConfig('pay', 3003, env),
    notifySecret,
    notifySecrets: parseNotifySecrets('NOTIFY_SECRETS', read.optional('NOTIFY_SECRETS')),
    notifyUrlAllow,
    rechargeLimit: readLimit(read.string('RECHARGE_LIMIT', '50000.00')),
  };
}

function readLimit(text: string): Decimal {
  const parsed = parseAmount(text);
  if ('error' in parsed)
    throw new ConfigError(`RECHARGE_LIMIT must be an amount such as 50000.00 (it ${parsed.error}), got "${text}".`);
  return parsed.amount;
}

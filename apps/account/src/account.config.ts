import { type Env, EnvReader, loadServiceConfig, type ServiceConfig } from '@app/common';

/** The account system's configuration: SPEC §6 plus where pay is and the webhook key. */
export interface AccountConfig extends ServiceConfig {
  /** Base URL of pay's result query API (PAY_URL). */
  payUrl: string;
  /** HMAC-SHA256 key that signs pay's webhook notifications (NOTIFY_SECRET). */
  notifySecret?: string;
}

/** Reads and validates the account system's configuration; throws a ConfigError naming the bad variable. */
export function loadAccountConfig(env: Env = process.env): AccountConfig {
  const read = new EnvReader(env);
  return {
    ...loadServiceConfig('account', 3004, env),
    payUrl: read.url('PAY_URL', 'http://127.0.0.1:3003', ['http:', 'https:']),
    notifySecret: read.optional('NOTIFY_SECRET'),
  };
}

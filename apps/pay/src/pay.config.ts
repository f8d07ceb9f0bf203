import { type Env, EnvReader, loadServiceConfig, type ServiceConfig } from '@app/common';

/** pay's configuration: SPEC §6 plus the webhook signing key. */
export interface PayConfig extends ServiceConfig {
  /** HMAC-SHA256 key for signed webhook notifications (NOTIFY_SECRET); none until webhooks are used. */
  notifySecret?: string;
}

/** Reads and validates pay's configuration; throws a ConfigError naming the bad variable. */
export function loadPayConfig(env: Env = process.env): PayConfig {
  const read = new EnvReader(env);
  return { ...loadServiceConfig('pay', 3003, env), notifySecret: read.optional('NOTIFY_SECRET') };
}

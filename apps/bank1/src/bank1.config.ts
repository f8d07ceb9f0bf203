import { type Env, EnvReader, loadServiceConfig, type ServiceConfig } from '@app/common';

/**
 * bank1's configuration: the variables every service shares. The check-back timing of transfers
 * (TXMSG_CHECK_FIRST_AFTER, TXMSG_CHECK_INTERVAL, TXMSG_CHECK_MAX) is part of them.
 */
export interface Bank1Config extends ServiceConfig {
  /**
   * Whether each immediate transfer's message carries its payer account as ordering key, so an
   * ordered bank2 credits one account's transfers in the order they were debited
   * (TRANSFERS_ORDERED). Scheduled transfers never do: a delayed message cannot keep a key's order.
   */
  transfersOrdered: boolean;
}

/** Reads and validates bank1's configuration; throws a ConfigError naming the bad variable. */
export function loadBank1Config(env: Env = process.env): Bank1Config {
  return {
    ...loadServiceConfig('bank1', 3001, env),
    transfersOrdered: new EnvReader(env).bool('TRANSFERS_ORDERED', false),
  };
}

import { type Env, loadServiceConfig, type ServiceConfig } from '@app/common';

/**
 * bank1's configuration: the variables every service shares. The check-back timing of transfers
 * (TXMSG_CHECK_FIRST_AFTER, TXMSG_CHECK_INTERVAL, TXMSG_CHECK_MAX) is part of them.
 */
export type Bank1Config = ServiceConfig;

/** Reads and validates bank1's configuration; throws a ConfigError naming the bad variable. */
export function loadBank1Config(env: Env = process.env): Bank1Config {
  return loadServiceConfig('bank1', 3001, env);
}

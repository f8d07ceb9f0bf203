import { type Env, EnvReader, loadServiceConfig, type ServiceConfig } from '@app/common';

/** How bank1 resolves a transfer whose local outcome is unknown (RocketMQ's check-back). */
export interface TransferCheckConfig {
  /** First check this long after the half message (TXMSG_CHECK_FIRST_AFTER, default 6s). */
  firstCheckAfterMs: number;
  /** Then every (TXMSG_CHECK_INTERVAL, default 60s). */
  intervalMs: number;
  /** Checks before the message is discarded (TXMSG_CHECK_MAX, default 15). */
  maxChecks: number;
}

/** bank1's configuration: SPEC §6 plus the check-back timing of transfers. */
export interface Bank1Config extends ServiceConfig {
  check: TransferCheckConfig;
}

/** Reads and validates bank1's configuration; throws a ConfigError naming the bad variable. */
export function loadBank1Config(env: Env = process.env): Bank1Config {
  const read = new EnvReader(env);
  return {
    ...loadServiceConfig('bank1', 3001, env),
    check: {
      firstCheckAfterMs: read.duration('TXMSG_CHECK_FIRST_AFTER', '6s'),
      intervalMs: read.duration('TXMSG_CHECK_INTERVAL', '60s'),
      maxChecks: read.int('TXMSG_CHECK_MAX', 15, 1, 1000),
    },
  };
}

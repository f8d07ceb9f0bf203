import { type Env, EnvReader, loadServiceConfig, type ServiceConfig } from '@app/common';

/** bank2's configuration: the variables every service shares, and how it applies transfers. */
export interface Bank2Config extends ServiceConfig {
  /**
   * Whether the credits of one payer account are applied in the order bank1 debited them, from
   * the messages' ordering key and sequence (TRANSFERS_ORDERED). Messages without one are
   * applied as they come either way.
   */
  transfersOrdered: boolean;
}

/** Reads and validates bank2's configuration; throws a ConfigError naming the bad variable. */
export function loadBank2Config(env: Env = process.env): Bank2Config {
  return { ...loadServiceConfig('bank2', 3002, env), transfersOrdered: readTransfersOrdered(env) };
}

/** TRANSFERS_ORDERED (default false); throws a ConfigError when it is not true or false. */
export function readTransfersOrdered(env: Env = process.env): boolean {
  return new EnvReader(env).bool('TRANSFERS_ORDERED', false);
}

/**
 * TRANSFERS_ORDERED as a decorator sees it, when its file is imported: that happens before
 * `bootstrapService` loads the configuration, and a throw there would end the process with a
 * stack trace instead of one sentence. A bad value reads as false here and is refused by
 * {@link loadBank2Config} at start-up, before any queue is consumed.
 */
export function transfersOrderedAtImport(env: Env = process.env): boolean {
  try {
    return readTransfersOrdered(env);
  } catch {
    return false;
  }
}

import { type Env, loadServiceConfig, type ServiceConfig } from '@app/common';

/** bank2's configuration: the variables every service shares only. */
export type Bank2Config = ServiceConfig;

/** Reads and validates bank2's configuration; throws a ConfigError naming the bad variable. */
export function loadBank2Config(env: Env = process.env): Bank2Config {
  return loadServiceConfig('bank2', 3002, env);
}

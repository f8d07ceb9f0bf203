/** A configuration problem, stated as one sentence that names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

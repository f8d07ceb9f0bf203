/**
 * What went wrong, as text for a log line or a stored `last_error`: the error's message (after
 * its class name with `withName`), or whatever else was thrown, stringified.
 */
export function errorText(error: unknown, options: { withName?: boolean } = {}): string {
  if (!(error instanceof Error)) return String(error);
  return options.withName ? `${error.name}: ${error.message}` : error.message;
}

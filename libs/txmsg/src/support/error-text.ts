/**
 * What went wrong, as text for a log line or a stored `last_error`: the error's message (after
 * its class name with `withName`), or whatever else was thrown, stringified.
 */
export function errorText(error: unknown, options: { withName?: boolean } = {}): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  if (typeof message !== 'string') return String(error);
  return options.withName && error instanceof Error ? `${error.name}: ${message}` : message;
}

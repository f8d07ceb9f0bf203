/** What stands in for a query string or fragment in a {@link redactedUrl}. */
export const REDACTED = '[redacted]';

/**
 * A notification URL as it may be shown — in an API answer, a log line, a span: scheme, host,
 * port and path, without any user name or password, and with the query string and fragment
 * replaced by `[redacted]`. Receivers put tokens there (`?token=…`), and whoever reads an attempt
 * list or a log must not learn them; the path stays, since it is what tells receivers apart.
 * A URL that does not parse, or is not http(s), is shown as `invalid`. Pure.
 */
export function redactedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'invalid';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'invalid';
  const query = parsed.search ? `?${REDACTED}` : '';
  const fragment = parsed.hash ? `#${REDACTED}` : '';
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${query}${fragment}`;
}

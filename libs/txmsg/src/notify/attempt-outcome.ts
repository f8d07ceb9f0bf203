/**
 * Why a notification attempt failed, as recorded in the attempt log and shown by the admin views.
 * Deliberately coarse: a log that repeated socket errors or protocol banners would tell whoever
 * chose the URL what listens where. The raw error goes to the application log only.
 * - `connect_failed`: no connection (refused, unreachable, unknown name, reset before an answer)
 * - `timed_out`: no complete answer within `notify.timeoutMs`
 * - `not_http`: something answered, but not HTTP
 * - `refused_address`: the name resolved to an address the notifier may not connect to
 * - `redirect`: the receiver answered 3xx; redirects are never followed
 * - `http_status`: the receiver answered another non-2xx status (the attempt's `statusCode`)
 * - `not_allowed`: the URL's origin is no longer allowed (the configuration changed since it was enqueued)
 */
export type AttemptFailure =
  'connect_failed' | 'timed_out' | 'not_http' | 'refused_address' | 'redirect' | 'http_status' | 'not_allowed';

/** The failure a received HTTP status means; null for 2xx. */
export function failureOfStatus(statusCode: number): AttemptFailure | null {
  if (statusCode >= 200 && statusCode < 300) return null;
  return statusCode >= 300 && statusCode < 400 ? 'redirect' : 'http_status';
}

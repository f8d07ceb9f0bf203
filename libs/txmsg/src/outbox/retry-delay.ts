/** The wait before publishing a row again after `attempts` failed: `retryBaseMs` doubling, up to `retryMaxMs`. */
export function retryDelayMs(attempts: number, relay: { retryBaseMs: number; retryMaxMs: number }): number {
  return Math.min(relay.retryBaseMs * 2 ** Math.min(attempts, 20), relay.retryMaxMs);
}

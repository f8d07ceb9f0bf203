/**
 * What a consumer or a notification receiver may say about its own retries. Whatever it leaves
 * out comes from the module's ladder (`retry.ladderMs`, or `notify.ladderMs`), so a policy of `{}`
 * behaves as if there were none.
 */
export interface TxMsgRetryPolicy {
  /**
   * Delays before each retry: milliseconds, or durations such as `'500ms'`, `'30s'`, `'5m'`. Steps
   * must not shrink. Default: the module's ladder.
   */
  ladder?: Array<number | string>;
  /**
   * The most attempts of one message, the first included; 1 never retries. Beyond the ladder the
   * last step repeats; below it the ladder is cut short. Default: one more than the ladder's steps.
   */
  maxAttempts?: number;
  /**
   * Each delay is drawn uniformly within ± this fraction of its step (0.2: a 10 s step waits
   * 8–12 s), so failures that happened together do not come back together. From 0 up to, not
   * including, 1. Default 0.
   */
  jitter?: number;
}

/** The form a {@link TxMsgRetryPolicy} is used in: every default filled in, the ladder in ms. */
export interface ResolvedRetryPolicy {
  ladderMs: number[];
  maxAttempts: number;
  jitter: number;
}

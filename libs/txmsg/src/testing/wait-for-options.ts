/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. Default 10 000 ms. */
  timeoutMs?: number;
  /** Pause between two tries. Default 50 ms. */
  intervalMs?: number;
  /** Said in the error when the deadline passes. */
  description?: string;
}

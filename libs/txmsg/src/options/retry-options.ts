/** Consumer retries: a failing handler gets the message again after each step, then it is parked. */
export interface TxMsgRetryOptions {
  /** Delays in ms. Default 1m,5m,10m,30m,1h,2h,5h,10h. */
  ladderMs?: number[];
  /** How often due retries are looked for. Default 1000 ms. */
  scanIntervalMs?: number;
}

/** RocketMQ-style check-back of transactional messages whose local outcome is UNKNOWN. */
export interface TxMsgCheckOptions {
  /** First check this long after the half message was written. Default 6000 ms (RocketMQ's transactionTimeout). */
  firstCheckAfterMs?: number;
  /** Interval between checks. Default 60 000 ms (RocketMQ's checkInterval). */
  intervalMs?: number;
  /** Checks before the message is discarded and recorded as exhausted. Default 15 (RocketMQ's checkMax). */
  maxChecks?: number;
  /** How often the checker looks for due messages. Default 1000 ms. */
  scanIntervalMs?: number;
}

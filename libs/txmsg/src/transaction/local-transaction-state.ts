/**
 * Outcome of a local transaction, as in RocketMQ: COMMIT delivers the message, ROLLBACK discards
 * it, UNKNOWN leaves it waiting for a check-back.
 */
export type LocalTransactionState = 'COMMIT' | 'ROLLBACK' | 'UNKNOWN';

/** The three {@link LocalTransactionState} values, for code that prefers constants. */
export const LocalTransactionState = {
  COMMIT: 'COMMIT',
  ROLLBACK: 'ROLLBACK',
  UNKNOWN: 'UNKNOWN',
} as const satisfies Record<LocalTransactionState, LocalTransactionState>;

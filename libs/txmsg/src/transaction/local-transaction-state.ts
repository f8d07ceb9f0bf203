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

/** A transactional message as its listener sees it. */
export interface TransactionMessage<T = unknown> {
  /** Message id (AMQP `messageId`). */
  id: string;
  /** Routing key it will be published with. */
  destination: string;
  payload: T;
  /** The transactional group (producer group) it was sent in. */
  group: string;
  /** Check-backs made so far (0 during `execute`). */
  checkCount: number;
}

/**
 * The local transaction of a transactional message (RocketMQ's `TransactionListener`).
 * Decorate the class with {@link TransactionalListener}.
 */
export interface LocalTransactionListener<T = unknown, A = unknown> {
  /**
   * Runs the local transaction. Called inside a database transaction that is ambient
   * (`TransactionHost.tx`): COMMIT commits it and makes the message deliverable atomically with
   * it; UNKNOWN commits it and leaves the message to {@link check}; ROLLBACK or a throw rolls it
   * back and discards the message.
   */
  execute(message: TransactionMessage<T>, arg: A): Promise<LocalTransactionState>;
  /**
   * Says whether the local transaction of a message left UNKNOWN (or interrupted by a crash)
   * committed. Runs outside any transaction; must be read-only and idempotent.
   */
  check(message: TransactionMessage<T>): Promise<LocalTransactionState>;
}

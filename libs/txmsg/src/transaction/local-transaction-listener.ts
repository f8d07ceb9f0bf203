import type { LocalTransactionState } from './local-transaction-state';
import type { TransactionMessage } from './transaction-message';

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

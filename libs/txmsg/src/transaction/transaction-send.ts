import type { OutgoingMessage } from '../outbox/outbox-message';
import type { LocalTransactionState } from './local-transaction-state';

/** Result of {@link TransactionProducer.sendMessageInTransaction}. */
export interface TransactionSendResult {
  messageId: string;
  /** What the local transaction returned; a throw is rethrown instead. */
  state: LocalTransactionState;
}

/** Options of one transactional send. */
export type TransactionSendOptions = Pick<
  OutgoingMessage,
  'messageId' | 'correlationId' | 'headers' | 'type' | 'orderingKey'
>;

/** Thrown inside the transaction when its listener answered ROLLBACK, to roll it back. */
export class RollbackSignal extends Error {}

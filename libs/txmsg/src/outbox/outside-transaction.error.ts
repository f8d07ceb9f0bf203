/** Thrown when a message is written to the outbox with no transaction open. */
export class OutsideTransactionError extends Error {
  override readonly name = 'OutsideTransactionError';
}

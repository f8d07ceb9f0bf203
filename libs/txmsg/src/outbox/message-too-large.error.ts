/**
 * Thrown by the outbox, in the caller's transaction, for a message whose JSON body is larger than
 * `messages.maxBytes`: every consumer would park it unread, so it is refused where its author can
 * still act (roll back, split it, or store the data elsewhere and send a reference).
 */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
}

/**
 * What a handler receives instead of a payload when the message body cannot be taken as JSON:
 * larger than `messages.maxBytes` (`OVERSIZED`), nested deeper than `messages.maxDepth`, or not
 * JSON at all (`POISON`). An {@link Idempotent} handler never sees it: the message is parked at once.
 */
export class PoisonMessage {
  constructor(
    readonly reason: string,
    readonly kind: 'POISON' | 'OVERSIZED' = 'POISON',
  ) {}
}

/**
 * Throw from a handler when retrying cannot help (the message is invalid for this consumer):
 * the message is parked at once instead of climbing the retry ladder.
 */
export class UnrecoverableMessageError extends Error {
  override readonly name = 'UnrecoverableMessageError';
}

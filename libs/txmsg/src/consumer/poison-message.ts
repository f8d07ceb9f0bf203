/**
 * What a handler receives instead of a payload when the message body is not valid JSON. An
 * {@link Idempotent} handler never sees it: the message is parked at once.
 */
export class PoisonMessage {
  constructor(readonly reason: string) {}
}

/** Deserialiser installed on the broker connection: never throws, so a bad body cannot loop. */
export function safeJsonDeserializer(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch (error) {
    return new PoisonMessage(`body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Throw from a handler when retrying cannot help (the message is invalid for this consumer):
 * the message is parked at once instead of climbing the retry ladder.
 */
export class UnrecoverableMessageError extends Error {
  override readonly name = 'UnrecoverableMessageError';
}

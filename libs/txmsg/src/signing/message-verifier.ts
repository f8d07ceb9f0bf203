import type { Message } from 'amqplib';
import { signedOrderingOf } from '../ordering/ordering-headers';
import { SIGNATURE_HEADERS, signatureMatches } from './message-signature';

/** A message written this far in the future is refused: clocks of producer and consumer may differ by less. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Checks that a delivery was signed by a trusted producer, for the routing key it is consumed
 * under, unaltered and not stale. Used by the consumer runtime before anything of the message
 * is believed: its dedup key, its handler.
 */
export class MessageVerifier {
  private readonly keys: Map<string, string>;

  constructor(
    keys: Record<string, string>,
    private readonly maxAgeMs: number,
  ) {
    this.keys = new Map(Object.entries(keys));
  }

  /**
   * Why `message` is not to be trusted, as a sentence; undefined when it is. `accepts` says
   * whether the consumer subscribed to a routing key: a signed message sent straight to a queue
   * it was never meant for is refused too. Pure but for `now`.
   */
  forgeryOf(message: Message, accepts: (routingKey: string) => boolean, now = Date.now()): string | undefined {
    const headers = message.properties.headers ?? {};
    const keyId = headers[SIGNATURE_HEADERS.keyId];
    const signature = headers[SIGNATURE_HEADERS.signature];
    const messageId = message.properties.messageId;
    if (typeof keyId !== 'string' || typeof signature !== 'string' || typeof messageId !== 'string') {
      return 'the message is not signed';
    }
    const secret = this.keys.get(keyId);
    if (secret === undefined) return `the message is signed with key "${keyId.slice(0, 64)}", which is not trusted`;
    const time = Number(headers[SIGNATURE_HEADERS.time]);
    const ordering = signedOrderingOf(headers, message.properties.appId);
    const signedKey = headers[SIGNATURE_HEADERS.routingKey];
    const routingKey =
      message.fields.exchange === '' && typeof signedKey === 'string' ? signedKey : message.fields.routingKey;
    if (
      !Number.isFinite(time) ||
      !signatureMatches(secret, { routingKey, messageId, time, body: message.content, ordering }, signature)
    ) {
      return `the signature of key "${keyId}" does not match the message's routing key, id, time, body and ordering position`;
    }
    if (!accepts(routingKey))
      return `the message was signed for "${routingKey}", which this consumer does not subscribe to`;
    if (time < now - this.maxAgeMs)
      return `the message is stale: written ${new Date(time).toISOString()}, accepted for ${this.maxAgeMs} ms`;
    if (time > now + CLOCK_SKEW_MS)
      return `the message claims to be written in the future (${new Date(time).toISOString()})`;
    return undefined;
  }
}

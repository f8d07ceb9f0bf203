import type { Message } from 'amqplib';

/** The AMQP headers of a message written with an ordering key. */
export const ORDERING_HEADERS = {
  /** The ordering key the producer gave. */
  key: 'x-txmsg-ordering-key',
  /** Its place among the messages of that key written by the producing service: 1, 2, 3… in commit order. */
  seq: 'x-txmsg-seq',
} as const;

/** The most characters of an ordering key: the key is part of a primary key on both engines. */
export const MAX_ORDERING_KEY_LENGTH = 191;

/** Where a message stands in the stream of its ordering key: the producing service, the key, the sequence number. */
export interface OrderingPosition {
  source: string;
  key: string;
  seq: number;
}

/**
 * The ordering position a delivery carries; undefined when it carries none, and a sentence when
 * the headers are there but unusable (a key too long, a sequence that is no positive integer).
 */
export function orderingOf(message: Pick<Message, 'properties'>): OrderingPosition | string | undefined {
  const headers = message.properties.headers ?? {};
  const key = headers[ORDERING_HEADERS.key];
  const seq = headers[ORDERING_HEADERS.seq];
  if (key === undefined && seq === undefined) return undefined;
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_ORDERING_KEY_LENGTH) {
    return `the ordering key header is not a string of 1 to ${MAX_ORDERING_KEY_LENGTH} characters`;
  }
  const n = Number(seq);
  if (!Number.isSafeInteger(n) || n < 1)
    return `the sequence header of ordering key "${key}" is not a positive integer`;
  const source = message.properties.appId;
  if (typeof source !== 'string' || source.length === 0 || source.length > 64) {
    return 'an ordered message must name its producing service (appId, up to 64 characters)';
  }
  return { source, key, seq: n };
}

/**
 * The ordering part of a message's signature (producing service, key, sequence) when it carries
 * an ordering key: a forger could otherwise renumber a genuine message, or strip its position.
 */
export function signedOrderingOf(headers: Record<string, unknown>, appId: unknown): string | undefined {
  const key = headers[ORDERING_HEADERS.key];
  if (key === undefined && headers[ORDERING_HEADERS.seq] === undefined) return undefined;
  return `${String(appId)}\n${String(key)}\n${String(headers[ORDERING_HEADERS.seq])}`;
}

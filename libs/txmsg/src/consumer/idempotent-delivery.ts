import type { ConsumeMessage } from 'amqplib';
import type { MessageEnvelope } from '../envelope';
import type { FailedDelivery } from './failed-delivery';

/** One delivery to an {@link Idempotent} handler. */
export interface IdempotentDelivery {
  consumer: string;
  queue: string | undefined;
  payload: unknown;
  message: ConsumeMessage;
  key?: (payload: unknown, envelope: MessageEnvelope) => string;
  invoke: () => Promise<unknown>;
}

/** A delivery with its dedup key, ready to be applied. */
export interface Claimed {
  delivery: IdempotentDelivery;
  key: string;
  failed: FailedDelivery;
}

/**
 * The dedup key of a delivery: the `key` of {@link Idempotent} or the message id.
 * @throws Error when it is not a string of 1 to 191 characters (the dedup column's width).
 */
export function dedupKeyOf(delivery: IdempotentDelivery, envelope: MessageEnvelope): string {
  const key = delivery.key ? delivery.key(delivery.payload, envelope) : envelope.id;
  if (typeof key !== 'string' || key.length === 0 || key.length > 191) {
    throw new Error(`dedup key must be a string of 1 to 191 characters, got ${JSON.stringify(key)}`);
  }
  return key;
}

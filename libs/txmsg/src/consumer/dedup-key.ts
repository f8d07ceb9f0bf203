import type { MessageEnvelope } from '../envelope';
import type { IdempotentDelivery } from './idempotent-delivery';

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

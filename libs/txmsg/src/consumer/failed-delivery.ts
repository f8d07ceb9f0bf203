import type { Span } from '@opentelemetry/api';
import type { ConsumeMessage } from 'amqplib';
import { createHash } from 'node:crypto';
import type { MessageEnvelope } from '../envelope';
import type { ParkReason } from './failed-message';

/** Where a failed delivery came from. */
export interface FailedDelivery {
  consumer: string;
  queue: string | undefined;
  message: ConsumeMessage;
  envelope: MessageEnvelope;
  /** SHA-256 (hex) of the body: tells a redelivery of the same message from another body under its id or key. */
  payloadHash: string;
  /** Its dedup key, once known: kept on its failure row so that a skip can record it as handled. */
  dedupKey?: string;
  /** Its consume span, when the application traces: the outcome is noted on it. */
  span?: Span;
  /** Run once it has been parked (an ordered consumer with `skipOnPark` lets its key go on). */
  afterPark?: () => Promise<unknown>;
}

/** What {@link FailureRecorder.recordFailure} decided. */
export type FailureOutcome = { retryInMs: number; attempts: number } | { parked: ParkReason; attempts: number };

/**
 * The failed delivery of `delivery`. Without `envelope` (it may be unreadable), the message is
 * named by the id the broker gave.
 */
export function failedDeliveryOf(
  delivery: Omit<FailedDelivery, 'envelope' | 'payloadHash'>,
  envelope: MessageEnvelope = unreadableEnvelope(delivery.message),
): FailedDelivery {
  return {
    consumer: delivery.consumer,
    queue: delivery.queue,
    message: delivery.message,
    envelope,
    payloadHash: payloadHashOf(delivery.message?.content),
  };
}

/** SHA-256 (hex) of a body; of nothing when there is none. */
export function payloadHashOf(body: Buffer | undefined): string {
  return createHash('sha256')
    .update(body ?? Buffer.alloc(0))
    .digest('hex');
}

function unreadableEnvelope(message: ConsumeMessage | undefined): MessageEnvelope {
  const id = String(message?.properties?.messageId ?? '(no message id)');
  return { id, type: '', source: '', time: 0, correlationId: id, attempt: 0 };
}

import type { FailureWrite } from '../store/failure-rows';
import { errorText } from '../support/error-text';
import type { FailedDelivery, FailureOutcome } from './failed-delivery';
import { errorClassOf, fingerprintOf } from './failure-fingerprint';
import { keptPropertiesOf, traceIdOf } from './message-context';

/** How much of an oversized body a failure row keeps: enough to see what it is, never enough to refuse the row. */
export const OVERSIZED_PREVIEW_BYTES = 4096;

/**
 * The failure row of a delivery with the message as received, so it can be sent again: waiting
 * for its next rung, or parked (its routing key kept in a header, see {@link keptPropertiesOf}).
 * An `OVERSIZED` message keeps only its first 4 KiB. Its fingerprint is of `error` itself, not
 * of `lastError`, whose notes (another body's hash) are about this message rather than the cause.
 */
export function failureRowOf(
  delivery: FailedDelivery,
  outcome: FailureOutcome,
  lastError: string,
  error: unknown,
): FailureWrite {
  const { message, envelope } = delivery;
  const parked = 'parked' in outcome;
  const reason = parked ? outcome.parked : null;
  const errorClass = errorClassOf(error);
  const content = message.content ?? Buffer.alloc(0);
  return {
    consumer: delivery.consumer,
    messageId: envelope.id,
    payloadHash: delivery.payloadHash,
    queue: delivery.queue ?? '',
    exchange: message.fields.exchange,
    routingKey: message.fields.routingKey,
    properties: JSON.stringify(keptPropertiesOf(message)),
    body: parked && outcome.parked === 'OVERSIZED' ? content.subarray(0, OVERSIZED_PREVIEW_BYTES) : content,
    bodySize: content.length,
    attempts: outcome.attempts,
    status: parked ? 'PARKED' : 'WAITING',
    reason,
    dueInMs: parked ? 0 : outcome.retryInMs,
    lastError,
    lastStack: stackOf(error),
    errorClass,
    fingerprint: fingerprintOf({ consumer: delivery.consumer, reason, errorClass, message: errorText(error) }),
    dedupKey: delivery.dedupKey ?? null,
    traceId: traceIdOf(message.properties?.headers?.traceparent) ?? null,
  };
}

/** How much of a stack a failure row keeps: the frames that matter come first. */
export const MAX_STACK_LENGTH = 8000;

function stackOf(error: unknown): string | null {
  const stack = error instanceof Error ? error.stack : undefined;
  return typeof stack === 'string' && stack.length > 0 ? stack.slice(0, MAX_STACK_LENGTH) : null;
}

import { type Span, SpanStatusCode } from '@opentelemetry/api';

/** OpenTelemetry messaging semantic conventions, as the library sets them on its spans. */
export const MESSAGING = {
  SYSTEM: 'messaging.system',
  OPERATION_TYPE: 'messaging.operation.type',
  OPERATION_NAME: 'messaging.operation.name',
  DESTINATION: 'messaging.destination.name',
  MESSAGE_ID: 'messaging.message.id',
  CONVERSATION_ID: 'messaging.message.conversation_id',
  ROUTING_KEY: 'messaging.rabbitmq.destination.routing_key',
  CONSUMER_GROUP: 'messaging.consumer.group.name',
} as const;

/** How a delivery ended, on its consume span. */
export const CONSUME_OUTCOME = 'txmsg.consume.outcome';

/**
 * Sets the messaging attributes of a span about one message. Taken as plain arguments and
 * checked against `isRecording()` first, so a no-op span costs no attribute object.
 */
export function setMessageAttributes(
  span: Span,
  operation: 'create' | 'send' | 'process',
  exchange: string,
  routingKey: string,
  messageId: string,
  correlationId: string | null,
): void {
  if (!span.isRecording()) return;
  span.setAttributes({
    [MESSAGING.SYSTEM]: 'rabbitmq',
    [MESSAGING.OPERATION_TYPE]: operation,
    [MESSAGING.OPERATION_NAME]: operation === 'create' ? 'outbox write' : operation === 'send' ? 'publish' : 'consume',
    [MESSAGING.DESTINATION]: exchange,
    [MESSAGING.ROUTING_KEY]: routingKey,
    [MESSAGING.MESSAGE_ID]: messageId,
  });
  if (correlationId) span.setAttribute(MESSAGING.CONVERSATION_ID, correlationId);
}

/** Ends a span, marking it failed with `error` when there is one. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined && span.isRecording()) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

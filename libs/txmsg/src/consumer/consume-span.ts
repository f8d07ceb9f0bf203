import { type Context, type Span, SpanKind, trace } from '@opentelemetry/api';
import {
  CONSUME_OUTCOME,
  MESSAGING,
  NO_SPAN,
  contextOfHeaders,
  setMessageAttributes,
  startSpan,
  tracingOn,
} from '../tracing';
import type { IdempotentDelivery } from './idempotent-delivery';

/** A delivery's CONSUMER span and the context its handler runs in. */
export interface ConsumeSpan {
  span: Span;
  context: Context;
}

/**
 * Starts the CONSUMER span of a delivery, a child of the context its headers carry (the publish
 * that sent it), so the handler's own writes and the messages it sends continue the same trace.
 * Undefined with no SDK registered: nothing is extracted, allocated or ended.
 */
export function startConsumeSpan(delivery: IdempotentDelivery): ConsumeSpan | undefined {
  if (!tracingOn()) return undefined;
  const { fields, properties } = delivery.message;
  const parent = contextOfHeaders(properties?.headers);
  const span = startSpan('process', delivery.consumer, SpanKind.CONSUMER, parent);
  if (span === NO_SPAN) return undefined;
  const id = typeof properties?.messageId === 'string' ? properties.messageId : '';
  setMessageAttributes(span, 'process', fields.exchange, fields.routingKey, id, properties?.correlationId ?? null);
  if (span.isRecording()) span.setAttribute(MESSAGING.CONSUMER_GROUP, delivery.consumer);
  return { span, context: trace.setSpan(parent, span) };
}

/** How a delivery ended, as its consume span says: applied, duplicate, retried, parked or requeued. */
export type TracedOutcome = 'applied' | 'duplicate' | 'retried' | 'parked' | 'requeued' | 'held';

/** Notes the outcome on the delivery's consume span, if it has a recording one. */
export function noteOutcome(span: Span | undefined, outcome: TracedOutcome): void {
  if (span?.isRecording()) span.setAttribute(CONSUME_OUTCOME, outcome);
}

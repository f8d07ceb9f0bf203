import { type Context, ROOT_CONTEXT, propagation, trace } from '@opentelemetry/api';

/**
 * The W3C `traceparent` / `tracestate` / `baggage` fields of a context as the global propagator
 * writes them: what an outbox or notification row keeps, serialised, so whichever process later
 * publishes or posts it continues the trace of the transaction that wrote it.
 */
export type TraceCarrier = Record<string, string>;

/** The trace context of `ctx` as stored in a row; null when it has none (no SDK, no span, no baggage). */
export function storedContextOf(ctx: Context): string | null {
  if (trace.getSpanContext(ctx) === undefined && propagation.getBaggage(ctx) === undefined) return null;
  const carrier: TraceCarrier = {};
  propagation.inject(ctx, carrier);
  return Object.keys(carrier).length > 0 ? JSON.stringify(carrier) : null;
}

/** The carrier kept in a row, or undefined for none (or an unreadable one: tracing never fails a message). */
export function carrierOf(stored: string | null | undefined): TraceCarrier | undefined {
  if (!stored) return undefined;
  try {
    const carrier: unknown = JSON.parse(stored);
    return carrier && typeof carrier === 'object' ? (carrier as TraceCarrier) : undefined;
  } catch {
    return undefined;
  }
}

/** The context a stored carrier describes, to parent what is done with the row; the root context without one. */
export function contextOfCarrier(carrier: TraceCarrier | undefined): Context {
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}

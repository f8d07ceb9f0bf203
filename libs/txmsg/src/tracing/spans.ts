import {
  type Context,
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  type Span,
  SpanKind,
  type SpanOptions,
  trace,
} from '@opentelemetry/api';

const NAME = '@txmsg/nestjs';
const tracer = trace.getTracer(NAME);

/** The span of every operation while no SDK is registered: one shared no-op, nothing allocated per message. */
export const NO_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

const OPTIONS: Record<SpanKind, SpanOptions> = {
  [SpanKind.INTERNAL]: { kind: SpanKind.INTERNAL },
  [SpanKind.SERVER]: { kind: SpanKind.SERVER },
  [SpanKind.CLIENT]: { kind: SpanKind.CLIENT },
  [SpanKind.PRODUCER]: { kind: SpanKind.PRODUCER },
  [SpanKind.CONSUMER]: { kind: SpanKind.CONSUMER },
};

/**
 * Whether the application registered an OpenTelemetry SDK. The API alone hands out a proxy with
 * no delegate: the library then starts no span and keeps no context, so tracing costs nothing.
 */
export function tracingOn(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer(NAME) !== undefined;
}

/**
 * Starts the span `<operation> <target>` under `parent`, or returns {@link NO_SPAN} with no SDK.
 * The name is built only when tracing is on.
 */
export function startSpan(operation: string, target: string, kind: SpanKind, parent: Context): Span {
  if (!tracingOn()) return NO_SPAN;
  return tracer.startSpan(target ? `${operation} ${target}` : operation, OPTIONS[kind], parent);
}

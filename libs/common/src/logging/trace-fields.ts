import { isSpanContextValid, trace } from '@opentelemetry/api';

const NONE: Record<string, string> = Object.freeze({});

/**
 * The `trace_id` and `span_id` of the span active when a line is logged, so a log line leads to
 * its trace; nothing (and nothing allocated) when the line is logged outside a traced span.
 */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan()?.spanContext();
  if (!span || !isSpanContextValid(span)) return NONE;
  return { trace_id: span.traceId, span_id: span.spanId };
}

/** pino's merge of the fields above into a line: the shared empty object is never written to. */
export function mergeTraceFields(line: object, fields: object): object {
  return fields === NONE ? line : Object.assign(fields, line);
}

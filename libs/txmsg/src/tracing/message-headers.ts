import { type Context, ROOT_CONTEXT, type Span, type TextMapGetter, propagation, trace } from '@opentelemetry/api';
import { NO_SPAN } from './spans';
import type { TraceCarrier } from './trace-carrier';

type Headers = Record<string, unknown>;

/** Reads AMQP headers, which amqplib may hand over as strings or as Buffers. */
const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const value = headers[key];
    if (typeof value === 'string') return value;
    return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
  },
};

/**
 * Writes the trace context into the headers of a message about to be published: the context of
 * `span` (the publish) with the baggage of `parent` when this process traces; otherwise the
 * fields kept in the row as they are, so a relay with no SDK still passes the trace on.
 */
export function injectTraceHeaders(headers: Headers, span: Span, parent: Context, kept?: TraceCarrier): void {
  if (span !== NO_SPAN) propagation.inject(trace.setSpan(parent, span), headers);
  else if (kept) Object.assign(headers, kept);
}

/** The context a consumed message carries in its headers (the root context when it carries none). */
export function contextOfHeaders(headers: Headers | undefined): Context {
  return headers ? propagation.extract(ROOT_CONTEXT, headers, headerGetter) : ROOT_CONTEXT;
}

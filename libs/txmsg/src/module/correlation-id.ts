import { isSpanContextValid, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';

/** What the middleware reads of a request; any HTTP adapter's request has it. */
export interface WithHeaders {
  headers: Record<string, string | string[] | undefined>;
}

const TOKEN = /^[\w.:-]{1,64}$/;

/**
 * The one id of a request, which its log lines and the messages sent in it carry: the caller's
 * `x-request-id` or `x-correlation-id` when it is a plain token of up to 64 characters; else, when
 * the request is traced, its trace id (so logs, messages and traces meet on one id); else a new
 * UUID. The id is written back as `x-correlation-id`, so a second reader of the same request (the
 * request logger and the context middleware each ask, in either order) gets the same id.
 */
export function correlationIdOf(req: WithHeaders): string {
  const id = givenId(req) ?? activeTraceId() ?? randomUUID();
  req.headers['x-correlation-id'] = id;
  return id;
}

function givenId(req: WithHeaders): string | undefined {
  for (const name of ['x-request-id', 'x-correlation-id']) {
    const given = req.headers[name];
    if (typeof given === 'string' && TOKEN.test(given)) return given;
  }
  return undefined;
}

function activeTraceId(): string | undefined {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? span.traceId : undefined;
}

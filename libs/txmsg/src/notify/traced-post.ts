import { SpanKind, SpanStatusCode, propagation, trace } from '@opentelemetry/api';
import { NO_SPAN, carrierOf, contextOfCarrier, endSpan, startSpan } from '../tracing';
import type { PostOutcome } from './post-outcome';
import { redactedUrl } from './redacted-url';
import type { LeasedNotification } from '../store/notification-rows';
import type { WebhookPoster } from './webhook-poster';

/**
 * One webhook attempt in a CLIENT span, a child of the transaction that enqueued the
 * notification, with `traceparent` (and `tracestate`, `baggage`) in the request so the
 * receiver's handling joins the same trace. Untraced, the headers are sent as they are.
 */
export async function tracedPost(
  poster: WebhookPoster,
  row: LeasedNotification,
  headers: Record<string, string>,
): Promise<PostOutcome> {
  const parent = contextOfCarrier(carrierOf(row.trace_context));
  const span = startSpan('POST', '', SpanKind.CLIENT, parent);
  if (span === NO_SPAN) return poster.post(row.target_url, headers, row.body);
  propagation.inject(trace.setSpan(parent, span), headers);
  if (span.isRecording()) {
    span.setAttributes({
      'http.request.method': 'POST',
      'url.full': redactedUrl(row.target_url), // a query string may hold a token
      'txmsg.notification.id': row.notification_id,
      'txmsg.notification.attempt': row.attempts + 1,
    });
  }
  const outcome = await poster.post(row.target_url, headers, row.body);
  if (span.isRecording()) {
    if (outcome.statusCode !== null) span.setAttribute('http.response.status_code', outcome.statusCode);
    if (outcome.failure !== null) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.failure });
      span.setAttribute('error.type', outcome.statusCode !== null ? String(outcome.statusCode) : outcome.failure);
    }
  }
  endSpan(span);
  return outcome;
}

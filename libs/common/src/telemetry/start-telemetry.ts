/* eslint-disable @typescript-eslint/no-require-imports -- the SDK is loaded only when switched on */
import { setTimeout as delay } from 'node:timers/promises';
import { telemetryEnabled } from './telemetry-enabled';

/** The running SDK, if {@link startTelemetry} started one. */
let sdk: { shutdown(): Promise<void> } | undefined;

/** How long {@link stopTelemetry} may take: a collector that is down must not hold up a stop. */
const EXPORT_ON_STOP_MS = 3000;

/**
 * Starts the OpenTelemetry Node SDK when the standard variables ask for it (see
 * {@link telemetryEnabled}); otherwise loads none of its modules, and the library's spans stay
 * no-ops. Traces only — metrics are served by `/metrics` — with the HTTP (inbound requests and
 * outbound calls), undici (`fetch`), Express (routes), mysql2 and pg (queries) instrumentations.
 * AMQP is deliberately not instrumented: @txmsg/nestjs propagates the trace through its messages
 * itself (outbox row, W3C headers, consume span), and a second propagation would compete with it.
 * Everything else — exporter, endpoint, protocol, service name, sampler, batch delay — comes
 * from `OTEL_*`.
 *
 * Must run before Nest, express, http, undici, mysql2 or pg are loaded, so the instrumentations can
 * hook them. No signal handler is added here (one would keep a signal sent during start-up from
 * ending the process): the service's own handler calls {@link stopTelemetry} once the app has
 * closed, so the spans of its last moments are exported rather than lost with the process.
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  if (!telemetryEnabled(env) || sdk) return;
  const { startNodeSdk } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } =
    require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { UndiciInstrumentation } =
    require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { MySQL2Instrumentation } =
    require('@opentelemetry/instrumentation-mysql2') as typeof import('@opentelemetry/instrumentation-mysql2');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  sdk = startNodeSdk({
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      // Probes every few seconds would bury the traces that matter.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/health' }),
      new ExpressInstrumentation(),
      // fetch() (account's calls to pay). A request that already carries a trace context — the
      // library's webhooks, which make their own CLIENT span — is left as it is, or it would
      // carry two `traceparent` headers.
      new UndiciInstrumentation({ ignoreRequestHook: (request) => carriesTraceContext(request.headers) }),
      new MySQL2Instrumentation(),
      // A service on PostgreSQL (DB_TYPE=postgres); pool-connect spans would only add noise.
      new PgInstrumentation({ ignoreConnectSpans: true }),
    ],
  });
}

function carriesTraceContext(headers: string | (string | string[])[]): boolean {
  if (typeof headers === 'string') return /(^|\n)traceparent:/i.test(headers);
  return headers.some((value, i) => i % 2 === 0 && String(value).toLowerCase() === 'traceparent');
}

/**
 * Exports the spans not yet sent and stops the SDK, for at most 3 s (a failed export is dropped:
 * tracing never fails a shutdown); does nothing when telemetry is off.
 */
export async function stopTelemetry(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  if (!running) return;
  await Promise.race([running.shutdown().catch(() => undefined), delay(EXPORT_ON_STOP_MS, undefined, { ref: false })]);
}

#!/usr/bin/env node
// What @txmsg/nestjs's tracing costs per message when the application registers no OpenTelemetry
// SDK: every call the outbox write, the publish and the consume make, timed and weighed (bytes
// allocated) against an empty loop, then the same with an SDK (spans recorded, then dropped) for scale.
// Needs the built library (`npm run build`). Run it with a young generation large enough that no
// scavenge happens in a round, so the heap growth is what the round allocated:
//   node --expose-gc --max-semi-space-size=512 scripts/bench/tracing-overhead.js
'use strict';

const path = require('node:path');
const dist = path.resolve(__dirname, '..', '..', 'libs', 'txmsg', 'dist');
const api = require('@opentelemetry/api');
const tracing = require(path.join(dist, 'tracing'));
const { startConsumeSpan, noteOutcome } = require(path.join(dist, 'consumer', 'consume-span'));

const ROUNDS = 5;
const PER_ROUND = 200_000;
const row = { exchange: 'txmsg.events', routing_key: 'bank1.transfer.started', message_id: 'm-1', trace_context: null };
const delivery = {
  consumer: 'CreditOnTransferStarted.handle',
  message: {
    fields: { exchange: 'txmsg.events', routingKey: 'bank1.transfer.started' },
    properties: { messageId: 'm-1', correlationId: 'c-1', headers: { 'x-txmsg-time': 1 } },
  },
};

/** The tracing calls of one message, in the order the library makes them. */
function oneMessage(headers) {
  const active = api.context.active();
  // Outbox write.
  const write = tracing.startSpan('create', row.exchange, api.SpanKind.PRODUCER, active);
  const stored = write === tracing.NO_SPAN ? null : tracing.storedContextOf(api.trace.setSpan(active, write));
  tracing.setMessageAttributes(write, 'create', row.exchange, row.routing_key, row.message_id, null);
  tracing.endSpan(write);
  // Publish.
  const kept = tracing.carrierOf(stored);
  const parent = tracing.contextOfCarrier(kept);
  const publish = tracing.startSpan('publish', row.exchange, api.SpanKind.PRODUCER, parent);
  tracing.setMessageAttributes(publish, 'send', row.exchange, row.routing_key, row.message_id, null);
  tracing.injectTraceHeaders(headers, publish, parent, kept);
  tracing.endSpan(publish);
  // Consume.
  const consumed = startConsumeSpan(delivery);
  noteOutcome(consumed?.span, 'applied');
  consumed?.span.end();
}

function measure(label, body) {
  const results = [];
  const headers = {};
  for (let round = 0; round < ROUNDS; round++) {
    global.gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i++) body(headers);
    const ns = Number(process.hrtime.bigint() - started) / PER_ROUND;
    const bytes = (process.memoryUsage().heapUsed - heapBefore) / PER_ROUND;
    results.push({ ns, bytes });
  }
  results.shift(); // warm-up
  const best = results.reduce((a, b) => (a.ns < b.ns ? a : b));
  const bytes = Math.max(0, Math.min(...results.map((r) => r.bytes)));
  console.log(
    `${label.padEnd(34)} ${best.ns.toFixed(1).padStart(8)} ns/message  ${bytes.toFixed(1).padStart(7)} B/message`,
  );
  return best.ns;
}

if (typeof global.gc !== 'function') {
  console.error('run with --expose-gc --max-semi-space-size=512');
  process.exit(1);
}
let sink = 0;
const empty = measure('empty loop', () => {
  sink++;
});
const off = measure('tracing calls, no SDK', oneMessage);
console.log(`no-SDK overhead: ${(off - empty).toFixed(1)} ns per message (write + publish + consume)`);

const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = require('@opentelemetry/core');
const { TracerProvider } = require('@opentelemetry/sdk-trace');
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
api.propagation.setGlobalPropagator(
  new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
);
// Spans are recorded and ended, then dropped: the cost of the library's tracing, not of an exporter.
const drop = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} };
api.trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [drop] }));
measure('tracing calls, SDK (spans dropped)', oneMessage);
if (sink < 0) console.log(sink);

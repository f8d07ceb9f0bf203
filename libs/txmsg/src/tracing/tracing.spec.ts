import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ConsumeMessage } from 'amqplib';
import { noteOutcome, startConsumeSpan } from '../consumer/consume-span';
import type { IdempotentDelivery } from '../consumer/idempotent-delivery';
import {
  NO_SPAN,
  carrierOf,
  contextOfCarrier,
  contextOfHeaders,
  injectTraceHeaders,
  startSpan,
  storedContextOf,
  tracingOn,
} from '.';

function delivery(headers: Record<string, unknown>): IdempotentDelivery {
  const message = {
    content: Buffer.from('{}'),
    fields: { exchange: 'txmsg.events', routingKey: 'bank1.transfer.started' },
    properties: { messageId: 'm-1', correlationId: 'c-1', headers },
  } as unknown as ConsumeMessage;
  return { consumer: 'Credit.handle', queue: 'q', payload: {}, message, invoke: async () => undefined };
}

describe('tracing without an SDK', () => {
  it('starts no span and keeps no context, but passes on the fields a row kept', () => {
    expect(tracingOn()).toBe(false);
    expect(startSpan('publish', 'txmsg.events', SpanKind.PRODUCER, ROOT_CONTEXT)).toBe(NO_SPAN);
    expect(storedContextOf(context.active())).toBeNull();
    expect(startConsumeSpan(delivery({}))).toBeUndefined();

    const kept = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const headers: Record<string, unknown> = {};
    injectTraceHeaders(headers, NO_SPAN, ROOT_CONTEXT, kept);
    expect(headers).toEqual(kept);
  });
});

describe('tracing with an SDK', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
    trace.setGlobalTracerProvider(provider);
  });

  afterEach(() => exporter.reset());

  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  const finished = (name: string) => exporter.getFinishedSpans().find((span) => span.name === name)!;

  it('keeps the write in the row, parents the publish to it, and the consume to the publish, by W3C headers', async () => {
    const request = trace.getTracer('test').startSpan('POST /transfers', { kind: SpanKind.SERVER });
    const inRequest = propagation.setBaggage(
      trace.setSpan(ROOT_CONTEXT, request),
      propagation.createBaggage({ tenant: { value: 'a' } }),
    );

    // The outbox write, in the request, stores its own context in the row.
    const write = startSpan('create', 'txmsg.events', SpanKind.PRODUCER, inRequest);
    const stored = storedContextOf(trace.setSpan(inRequest, write));
    write.end();
    expect(JSON.parse(stored!)).toEqual({
      traceparent: `00-${request.spanContext().traceId}-${write.spanContext().spanId}-01`,
      baggage: 'tenant=a',
    });

    // Any process later publishes the row: PRODUCER span under the write, its context in the headers.
    const kept = carrierOf(stored);
    const parent = contextOfCarrier(kept);
    const publish = startSpan('publish', 'txmsg.events', SpanKind.PRODUCER, parent);
    const headers: Record<string, unknown> = { 'x-txmsg-time': 1 };
    injectTraceHeaders(headers, publish, parent, kept);
    publish.end();
    expect(headers.traceparent).toBe(`00-${request.spanContext().traceId}-${publish.spanContext().spanId}-01`);
    expect(headers.baggage).toBe('tenant=a');

    // The consumer reads them (amqplib may give Buffers) and runs the handler under its CONSUMER span.
    const consumed = startConsumeSpan(delivery({ ...headers, traceparent: Buffer.from(String(headers.traceparent)) }))!;
    await context.with(consumed.context, async () => {
      await Promise.resolve();
      trace.getTracer('test').startSpan('UPDATE account_info').end();
    });
    noteOutcome(consumed.span, 'applied');
    consumed.span.end();
    request.end();

    const traceId = request.spanContext().traceId;
    expect(exporter.getFinishedSpans().map((span) => span.spanContext().traceId)).toEqual(Array(5).fill(traceId));
    expect(finished('publish txmsg.events').parentSpanContext?.spanId).toBe(write.spanContext().spanId);
    const consume = finished('process Credit.handle');
    expect(consume.kind).toBe(SpanKind.CONSUMER);
    expect(consume.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(consume.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'txmsg.events',
      'messaging.rabbitmq.destination.routing_key': 'bank1.transfer.started',
      'messaging.message.id': 'm-1',
      'messaging.consumer.group.name': 'Credit.handle',
      'txmsg.consume.outcome': 'applied',
    });
    expect(finished('UPDATE account_info').parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
  });

  it('starts a new trace for a message that carries none', () => {
    expect(contextOfHeaders(undefined)).toBe(ROOT_CONTEXT);
    const consumed = startConsumeSpan(delivery({}))!;
    consumed.span.end();
    expect(finished('process Credit.handle').parentSpanContext).toBeUndefined();
  });

  it('ignores an unreadable stored context rather than failing the message', () => {
    expect(carrierOf('{not json')).toBeUndefined();
    expect(contextOfCarrier(carrierOf('{not json'))).toBe(ROOT_CONTEXT);
  });
});

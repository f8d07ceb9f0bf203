import { BrokerTestClient, waitFor } from '@txmsg/nestjs/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { FAST_BANK_ENV, waitForTransfer } from './support/banks';
import { freePort } from './support/free-port';
import { OtlpReceiver, type ReceivedSpan, SPAN_KIND } from './support/otlp-receiver';
import type { ServiceProcess } from './support/service-process';
import { TestStack, machineBroker } from './support/test-stack';
import { TEST_PRODUCER_KEY } from './support/message-keys';

// One trace across the message: each service in its own process with the OpenTelemetry SDK
// switched on by the standard variables, exporting OTLP/JSON to a receiver in this process. A
// request's traceparent must lead through the outbox row, the publish, the broker and the
// consumer, and back, as one trace id with each hop parented to the one before.
describe('tracing across services', () => {
  const SECRET = 'e2e-tracing-secret';
  let stack: TestStack;
  let receiver: OtlpReceiver;
  let broker: BrokerTestClient;
  let bank1: ServiceProcess;
  let pay: ServiceProcess;
  let account: ServiceProcess;
  let accountPort: number;

  const otel = (service: string): Record<string, string> => ({
    OTEL_SERVICE_NAME: service,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });

  beforeAll(async () => {
    // bank2 on PostgreSQL: the transfer's trace crosses engines, and its database spans come from
    // the mysql2 instrumentation at bank1 and the pg one at bank2.
    stack = await TestStack.create('tracing', machineBroker, { bank2: 'postgres' });
    receiver = await OtlpReceiver.start();
    accountPort = await freePort();
    [bank1, , pay] = await Promise.all([
      stack.start('bank1', { ...FAST_BANK_ENV, ...otel('bank1') }),
      // bank2 leaves its answers to the relay: the publish then runs apart from the request that
      // wrote the row, and must find its parent in the row.
      stack.start('bank2', { ...FAST_BANK_ENV, ...otel('bank2'), TXMSG_DISPATCH_ON_COMMIT: 'false' }),
      stack.start('pay', {
        ...otel('pay'),
        NOTIFY_SECRETS: `http://127.0.0.1:${accountPort}/notifications/=${SECRET}`,
      }),
    ]);
    account = await stack.start(
      'account',
      {
        ...otel('account'),
        PAY_URL: pay.url,
        NOTIFY_SECRET: SECRET,
        RECONCILE_AFTER: '1h',
        RECONCILE_DEADLINE: '2h',
        RECONCILE_PULL: 'false',
      },
      accountPort,
    );
    broker = await BrokerTestClient.open(stack.rabbitUrl, { signWith: TEST_PRODUCER_KEY });
    await broker.watch(); // a copy of every message on the library's exchange
  }, 120_000);

  afterAll(async () => {
    await broker?.close();
    await stack?.destroy();
    await receiver?.close();
  });

  /** A fresh W3C trace context, as a caller in front of the service would send it. */
  function callerContext(): { traceId: string; parentId: string; traceparent: string } {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    return { traceId, parentId, traceparent: `00-${traceId}-${parentId}-01` };
  }

  /** Waits until `find` finds what it looks for in the spans of the trace. */
  function inTrace<T>(traceId: string, description: string, find: (spans: ReceivedSpan[]) => T | undefined) {
    return waitFor(() => find(receiver.trace(traceId)), { timeoutMs: 30_000, description });
  }

  const byKind = (spans: ReceivedSpan[], service: string, kind: number, parent?: ReceivedSpan) =>
    spans.filter((s) => s.service === service && s.kind === kind && (!parent || s.parentSpanId === parent.spanId));

  const descendsFrom = (spans: ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan): boolean => {
    for (let at: ReceivedSpan | undefined = span; at; at = spans.find((s) => s.spanId === at!.parentSpanId)) {
      if (at.spanId === ancestor.spanId) return true;
    }
    return false;
  };

  /** A database span of `service` made under `ancestor` (the handler's or the request's own writes). */
  const dbSpanUnder = (spans: ReceivedSpan[], service: string, ancestor: ReceivedSpan) =>
    spans.find(
      (s) =>
        s.service === service &&
        s.kind === SPAN_KIND.CLIENT &&
        Object.keys(s.attributes).some((key) => key.startsWith('db.')) &&
        descendsFrom(spans, s, ancestor),
    );

  /** The outbox write of `service` under `ancestor`, its publish, and the consume of that publish at `consumer`. */
  function hop(spans: ReceivedSpan[], service: string, ancestor: ReceivedSpan, consumer: string) {
    for (const write of byKind(spans, service, SPAN_KIND.PRODUCER)) {
      if (write.attributes['messaging.operation.type'] !== 'create' || !descendsFrom(spans, write, ancestor)) continue;
      const [publish] = byKind(spans, service, SPAN_KIND.PRODUCER, write);
      const consume = publish && byKind(spans, consumer, SPAN_KIND.CONSUMER, publish)[0];
      if (consume) return { write, publish, consume };
    }
    return undefined;
  }

  const logLines = (service: ServiceProcess): Record<string, unknown>[] =>
    service
      .logs()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  const tracedCopies = (traceId: string) =>
    broker.received.filter((m) => String(m.properties.headers?.traceparent ?? '').includes(traceId));

  it('follows POST /transfers from bank1 through the outbox to bank2 and the answer back as one trace', async () => {
    const caller = callerContext();

    const accepted = await bank1.post(
      '/transfers',
      { fromAccountNo: '1', toAccountNo: '2', amount: '12.34' },
      { traceparent: caller.traceparent },
    );
    expect(accepted.status).toBe(202);
    await waitForTransfer(bank1, accepted.body.txNo, 'COMPLETED', 30_000);

    const found = await inTrace(caller.traceId, 'the whole transfer in one trace', (spans) => {
      const [request] = spans.filter((s) => s.service === 'bank1' && s.kind === SPAN_KIND.SERVER);
      const out = request && hop(spans, 'bank1', request, 'bank2');
      const credit = out && dbSpanUnder(spans, 'bank2', out.consume);
      const back = out && hop(spans, 'bank2', out.consume, 'bank1');
      const completion = back && dbSpanUnder(spans, 'bank1', back.consume);
      return completion ? { request, out, credit, back, completion } : undefined;
    });

    // The HTTP span continues the caller's context; every later hop is a child of the one before.
    expect(found.request.parentSpanId).toBe(caller.parentId);
    expect(found.out.publish.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': expect.any(String),
      'messaging.rabbitmq.destination.routing_key': expect.stringMatching(/^bank1\./),
      'messaging.message.id': found.out.write.attributes['messaging.message.id'],
    });
    expect(found.out.consume.attributes).toMatchObject({
      'messaging.operation.type': 'process',
      'messaging.message.id': found.out.write.attributes['messaging.message.id'],
      'txmsg.consume.outcome': 'applied',
    });
    expect(found.credit).toBeDefined();
    expect(found.back.consume.attributes['txmsg.consume.outcome']).toBe('applied');
    expect(found.back.publish.attributes['messaging.rabbitmq.destination.routing_key']).toMatch(/^bank2\./);

    // What went over the broker carries the request's trace id in W3C headers, both ways.
    const copies = await waitFor(
      () => {
        const keys = new Set(tracedCopies(caller.traceId).map((m) => m.fields.routingKey.split('.')[0]));
        return keys.has('bank1') && keys.has('bank2') ? tracedCopies(caller.traceId) : undefined;
      },
      { timeoutMs: 10_000, description: 'traced copies of both messages' },
    );
    for (const copy of copies) {
      expect(String(copy.properties.headers?.traceparent)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      // One id for the request: with no id of the caller's, the trace id names it in messages and logs.
      expect(copy.properties.correlationId).toBe(caller.traceId);
    }
    const lines = logLines(bank1);
    expect(lines).toContainEqual(expect.objectContaining({ req: expect.objectContaining({ id: caller.traceId }) }));
    expect(lines).toContainEqual(expect.objectContaining({ trace_id: caller.traceId, span_id: expect.any(String) }));
  });

  it('follows a recharge at pay to account by MQ and by signed webhook as one trace', async () => {
    const caller = callerContext();
    const txNo = randomUUID();

    const made = await pay.post(
      '/recharges',
      { txNo, accountNo: '1', amount: '5.00', notifyUrl: `http://127.0.0.1:${accountPort}/notifications/recharge` },
      { traceparent: caller.traceparent },
    );
    expect(made.status).toBe(201);

    const found = await inTrace(caller.traceId, 'the recharge, its message and its webhook in one trace', (spans) => {
      const [request] = spans.filter((s) => s.service === 'pay' && s.kind === SPAN_KIND.SERVER);
      const mq = request && hop(spans, 'pay', request, 'account');
      // The library's own CLIENT span of the attempt: a second, competing traceparent in the
      // request (from fetch instrumentation) would break the webhook's link to it.
      const post = spans.find((s) => s.service === 'pay' && s.attributes['txmsg.notification.id'] !== undefined);
      const received = post && byKind(spans, 'account', SPAN_KIND.SERVER, post)[0];
      return mq && received ? { request, mq, post, received } : undefined;
    });

    expect(found.request.parentSpanId).toBe(caller.parentId);
    expect(found.mq.consume.attributes['txmsg.consume.outcome']).toMatch(/^(applied|duplicate)$/);
    expect(found.post.attributes['http.response.status_code']).toBe(200);
    expect(found.received.attributes).toMatchObject({ 'http.request.method': 'POST' });
    const copies = await waitFor(
      () => (tracedCopies(caller.traceId).length > 0 ? tracedCopies(caller.traceId) : undefined),
      {
        timeoutMs: 10_000,
        description: 'a traced copy of the recharge message',
      },
    );
    expect(copies.map((m) => m.fields.routingKey)).toEqual(['pay.recharge.completed']);
  });

  it("follows a recharge asked of account through account's call to pay and pay's answers back as one trace", async () => {
    const caller = callerContext();

    const asked = await account.post(
      '/recharges',
      { accountNo: '1', amount: '7.00' },
      { traceparent: caller.traceparent },
    );
    expect(asked.status).toBe(202);

    const found = await inTrace(caller.traceId, "account's request, its call to pay and pay's answers", (spans) => {
      const [request] = spans.filter((s) => s.service === 'account' && s.kind === SPAN_KIND.SERVER);
      const call =
        request &&
        spans.find(
          (s) =>
            s.service === 'account' &&
            s.kind === SPAN_KIND.CLIENT &&
            descendsFrom(spans, s, request) &&
            s.attributes['http.request.method'] === 'POST',
        );
      const atPay = call && byKind(spans, 'pay', SPAN_KIND.SERVER, call)[0];
      const mq = atPay && hop(spans, 'pay', atPay, 'account');
      const webhook =
        atPay &&
        spans.find(
          (s) =>
            s.service === 'account' &&
            s.kind === SPAN_KIND.SERVER &&
            s.parentSpanId !== caller.parentId &&
            spans.some((p) => p.spanId === s.parentSpanId && p.service === 'pay' && p.kind === SPAN_KIND.CLIENT),
        );
      return mq && webhook ? { request, call, atPay, mq, webhook } : undefined;
    });

    expect(found.request.parentSpanId).toBe(caller.parentId);
    expect(found.mq.consume.attributes['txmsg.consume.outcome']).toMatch(/^(applied|duplicate)$/);
  });

  it('exports the spans a service has not sent yet when it is stopped', async () => {
    // A batch delay of a minute: the request's span still waits in the SDK when SIGTERM comes.
    const stopping = await stack.start('pay', {
      ...otel('pay-stopping'),
      OTEL_BSP_SCHEDULE_DELAY: '60000',
      NOTIFY_SECRETS: `http://127.0.0.1:${accountPort}/notifications/=${SECRET}`,
    });
    const caller = callerContext();
    const answer = await stopping.request('GET', '/recharges/no-such-recharge', undefined, {
      traceparent: caller.traceparent,
    });
    expect(answer.status).toBe(404);

    expect(await stopping.stop()).toEqual({ code: 0, signal: null });

    const requests = receiver.trace(caller.traceId).filter((s) => s.kind === SPAN_KIND.SERVER);
    expect(requests.map((s) => [s.service, s.parentSpanId])).toEqual([['pay-stopping', caller.parentId]]);
  });
});

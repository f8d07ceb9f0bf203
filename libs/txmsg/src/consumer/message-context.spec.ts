import type { ConsumeMessage } from 'amqplib';
import { envelopeOf } from '../envelope';
import { dedupKeyContextOf, keptPropertiesOf, routingKeyAsSent, traceIdOf } from './message-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function message(
  fields: Partial<ConsumeMessage['fields']>,
  headers: Record<string, unknown> = {},
  properties: Partial<ConsumeMessage['properties']> = {},
): ConsumeMessage {
  return {
    content: Buffer.from('{}'),
    fields: { exchange: 'txmsg.events', routingKey: 'shop.order.placed', ...fields },
    properties: { messageId: 'm1', appId: 'shop', correlationId: 'c1', headers, ...properties },
  } as unknown as ConsumeMessage;
}

describe('MessageContext', () => {
  it('counts the first delivery as attempt 1 and one sent back after n failures as n + 1', () => {
    const first = message({});
    const third = message({ exchange: '', routingKey: 'q' }, { 'x-txmsg-attempt': 2 });
    expect(dedupKeyContextOf(first, envelopeOf(first), 'C.m').attempt).toBe(1);
    expect(dedupKeyContextOf(third, envelopeOf(third), 'C.m').attempt).toBe(3);
  });

  it('carries id, routing key, headers, publish time, trace id, correlation id, source and consumer', () => {
    const time = Date.UTC(2026, 11, 7, 12, 0, 0, 123);
    const headers = { 'x-txmsg-time': time, traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`, tenant: 't1' };
    const received = message({}, headers);
    expect(dedupKeyContextOf(received, envelopeOf(received), 'C.m')).toEqual({
      messageId: 'm1',
      attempt: 1,
      routingKey: 'shop.order.placed',
      headers,
      publishedAt: new Date(time),
      traceId: TRACE_ID,
      correlationId: 'c1',
      source: 'shop',
      consumer: 'C.m',
    });
  });

  it('has no publish time when the message carries none', () => {
    const received = message({});
    expect(dedupKeyContextOf(received, envelopeOf(received), 'C.m').publishedAt).toBeUndefined();
  });

  it.each([
    ['no header', undefined],
    ['a malformed header', 'not-a-traceparent'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
  ])('has no trace id with %s', (_, traceparent) => {
    expect(traceIdOf(traceparent)).toBeUndefined();
  });

  it('keeps the routing key a message came with, so a retry sent back to its queue still tells it', () => {
    const received = message({});
    const kept = keptPropertiesOf(received);
    const sentBack = message({ exchange: '', routingKey: 'shop.orders' }, kept.headers);
    expect(routingKeyAsSent(sentBack)).toBe('shop.order.placed');
    expect(keptPropertiesOf(sentBack).headers).toEqual(kept.headers);
  });

  it('believes the routing key header only on a message that came through the default exchange', () => {
    const claims = message({}, { 'x-txmsg-routing-key': 'bank.money.granted' });
    expect(routingKeyAsSent(claims)).toBe('shop.order.placed');
    expect(keptPropertiesOf(claims).headers?.['x-txmsg-routing-key']).toBe('shop.order.placed');
  });
});

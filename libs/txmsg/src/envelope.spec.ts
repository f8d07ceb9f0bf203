import type { ConsumeMessage } from 'amqplib';
import { envelopeOf, toPublishOptions } from './envelope';

function consumed(
  content: string,
  properties: Partial<ConsumeMessage['properties']>,
  routingKey = 'bank1.transfer.started',
) {
  return {
    content: Buffer.from(content),
    fields: { routingKey, exchange: 'txmsg.events', deliveryTag: 1, redelivered: false, consumerTag: 'c' },
    properties: { headers: {}, ...properties },
  } as unknown as ConsumeMessage;
}

describe('message envelope', () => {
  it('travels in standard AMQP properties and reads back whole', () => {
    const options = toPublishOptions({
      id: 'm-1',
      type: 'bank1.transfer.started',
      source: 'bank1',
      time: 1_700_000_000_123,
      correlationId: 'c-1',
    });
    expect(options).toMatchObject({
      messageId: 'm-1',
      type: 'bank1.transfer.started',
      appId: 'bank1',
      correlationId: 'c-1',
      persistent: true,
    });
    const envelope = envelopeOf(consumed('{}', options as ConsumeMessage['properties']));
    expect(envelope).toEqual({
      id: 'm-1',
      type: 'bank1.transfer.started',
      source: 'bank1',
      time: 1_700_000_000_123,
      correlationId: 'c-1',
      attempt: 0,
    });
  });

  it('derives a stable id from routing key and body when a foreign message has none', () => {
    const a = envelopeOf(consumed('{"x":1}', {}));
    const b = envelopeOf(consumed('{"x":1}', {}));
    const c = envelopeOf(consumed('{"x":2}', {}));
    expect(a.id).toMatch(/^[0-9a-f]{64}$/);
    expect(a.id).toBe(b.id);
    expect(a.id).not.toBe(c.id);
    expect(a).toMatchObject({ source: 'unknown', type: 'bank1.transfer.started', correlationId: a.id });
  });

  it('reads the attempt counter the retry scheduler sets', () => {
    expect(envelopeOf(consumed('{}', { messageId: 'm', headers: { 'x-txmsg-attempt': 3 } })).attempt).toBe(3);
    expect(envelopeOf(consumed('{}', { messageId: 'm', headers: { 'x-txmsg-attempt': 'junk' } })).attempt).toBe(0);
  });
});

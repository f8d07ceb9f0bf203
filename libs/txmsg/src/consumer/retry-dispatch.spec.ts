import type { ConfirmedPublisher } from '../broker/confirmed-publisher';
import { sendRetry } from './retry-dispatch';

describe('sendRetry', () => {
  it('sends the message back with the headers it was received with, the trace context among them', async () => {
    const publish = jest.fn(async () => undefined);
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const properties = { messageId: 'm-1', correlationId: null, headers: { traceparent, baggage: 'tenant=a' } };

    await sendRetry({ publish } as unknown as ConfirmedPublisher, {
      id: '7',
      message_id: 'm-1',
      queue: 'bank2.credit',
      properties: JSON.stringify(properties),
      body: Buffer.from('{}'),
      attempts: 2,
    });

    expect(publish).toHaveBeenCalledWith('', 'bank2.credit', Buffer.from('{}'), {
      messageId: 'm-1',
      headers: { traceparent, baggage: 'tenant=a', 'x-txmsg-attempt': 2, 'x-txmsg-redelivered': true },
    });
  });
});

import type { INestApplication } from '@nestjs/common';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, THING_HAPPENED, THINGS_QUEUE, ThingConsumer } from './support/fixtures';
import { createTestDatabase, createVhost, rabbitmqctl } from './support/infra';
import { BrokerProbe } from './support/probe';

describe('Quorum queues', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('quorum');
    vhost = await createVhost('quorum');
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      consumer: true,
      txmsg: { broker: { queueType: 'quorum' } },
    });
  });

  afterAll(async () => {
    await app.close();
    await vhost.remove();
    await db.drop();
  });

  it('declares subscription queues as quorum queues by configuration alone, and consumes from them', async () => {
    const stdout = await rabbitmqctl('-q', 'list_queues', '-p', vhost.vhost, 'name', 'type');
    const types = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/)),
    );
    expect(types[THINGS_QUEUE]).toBe('quorum');
    const probe = await BrokerProbe.open(vhost.uri);
    try {
      await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'q1' }, { messageId: 'q1' });
      const consumer = app.get(ThingConsumer);
      await waitFor(() => consumer.deliveries.length === 1, { description: 'consumed from the quorum queue' });
    } finally {
      await probe.close();
    }
  });
});

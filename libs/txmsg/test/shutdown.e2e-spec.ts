import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, THING_HAPPENED, THINGS_QUEUE, ThingConsumer } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { PLAIN_HAPPENED, PLAIN_QUEUE, PlainConsumer, PlainConsumerModule } from './support/plain-consumer';
import { BrokerProbe } from './support/probe';

describe('Shutdown and dead letters', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let probe: BrokerProbe;
  const apps: INestApplication[] = [];

  beforeEach(async () => {
    db = await createTestDatabase('shutdown');
    vhost = await createVhost('shutdown');
    probe = await BrokerProbe.open(vhost.uri);
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)));
    await probe.close();
    await vhost.remove();
    await db.drop();
  });

  async function start(consumer: Parameters<typeof startTestApp>[0]['txmsg'] = {}) {
    const app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      consumer: true,
      listen: true,
      modules: [PlainConsumerModule],
      txmsg: consumer,
    });
    apps.push(app);
    return app;
  }
  async function close(app: INestApplication) {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }
  const applied = async () => Number((await sql('SELECT COUNT(*) AS n FROM t_effects', [], db.name))[0].n);
  const appliedTwice = async () =>
    Number((await sql('SELECT COUNT(*) AS n FROM t_effects WHERE times > 1', [], db.name))[0].n);
  const failures = async () => Number((await sql('SELECT COUNT(*) AS n FROM txmsg_inbox_failure', [], db.name))[0].n);

  it.each([
    ['one transaction per delivery', 1],
    ['group commit', 50],
  ])(
    'loses no delivery when the application closes while it drains a backlog (%s)',
    async (_, maxBatch) => {
      const total = 1000;
      let app = await start({ consumer: { maxBatch } });
      await close(app); // the queue exists and is bound; the backlog waits in it
      await probe.publishMany(
        EXCHANGE,
        THING_HAPPENED,
        Array.from({ length: total }, (_, i) => ({ body: { id: `b${i}` }, options: { messageId: `backlog-${i}` } })),
      );
      app = await start({ consumer: { maxBatch } });
      await waitFor(async () => (await applied()) >= total / 5, {
        timeoutMs: 30_000,
        description: 'a fifth of the backlog applied',
      });
      await close(app); // mid-drain: consumers cancelled first, deliveries in flight finish or go back
      const afterClose = await applied();
      expect(afterClose).toBeLessThan(total);
      expect(await probe.queueDepth(THINGS_QUEUE)).toBe(total - afterClose); // everything else is still queued
      expect(await probe.queueDepth(`${THINGS_QUEUE}.parked`)).toBe(0);

      await start({ consumer: { maxBatch } });
      await waitFor(async () => (await applied()) === total, {
        timeoutMs: 60_000,
        description: 'whole backlog applied',
      });
      expect(await appliedTwice()).toBe(0);
      expect(await failures()).toBe(0);
    },
    120_000,
  );

  it('lets a delivery in flight finish and commit before the application closes', async () => {
    const app = await start();
    const consumer = app.get(ThingConsumer);
    let release!: () => void;
    consumer.gates.set('slow', new Promise<void>((resolve) => (release = resolve)));
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'slow' }, { messageId: 'slow-1' });
    await waitFor(() => consumer.deliveries.length === 1, { description: 'delivery in flight' });
    const closing = close(app);
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'late' }, { messageId: 'late-1' });
    release();
    await closing;
    expect(await applied()).toBe(1);
    expect(consumer.deliveries.map((d) => d.id)).toEqual(['slow']);
    expect(await probe.queueDepth(THINGS_QUEUE)).toBe(1); // the late one waits for the next instance
  });

  it('dead-letters a message a plain @RabbitSubscribe handler failed on to its parking queue', async () => {
    const app = await start();
    await probe.publish(EXCHANGE, PLAIN_HAPPENED, { id: 'p1', fail: true }, { messageId: 'plain-1' });
    await probe.publish(EXCHANGE, PLAIN_HAPPENED, { id: 'p2' }, { messageId: 'plain-2' });
    await waitFor(async () => (await probe.queueDepth(`${PLAIN_QUEUE}.parked`)) === 1, {
      description: 'failed message parked',
    });
    await waitFor(() => app.get(PlainConsumer).handled.includes('p2'), { description: 'the next message handled' });
    expect(await probe.queueDepth(PLAIN_QUEUE)).toBe(0);

    // An operator sees it and, once the handler is fixed, moves it back.
    const admin = () => request(app.getHttpServer());
    const auth = { Authorization: 'Bearer test-admin-token' };
    const listed = await admin().get('/txmsg/dead-letters').set(auth).expect(200);
    expect(listed.body).toContainEqual({ queue: PLAIN_QUEUE, parkingQueue: `${PLAIN_QUEUE}.parked`, messages: 1 });
    app.get(PlainConsumer).healed = true;
    await admin().post(`/txmsg/dead-letters/${PLAIN_QUEUE}/requeue`).set(auth).expect(200, { requeued: 1 });
    await waitFor(() => app.get(PlainConsumer).handled.includes('p1'), { description: 'the requeued message handled' });
    expect(await probe.queueDepth(`${PLAIN_QUEUE}.parked`)).toBe(0);
    await admin().post('/txmsg/dead-letters/no.such.queue/requeue').set(auth).expect(404);
  });

  it('starts on a queue declared by an earlier version without a dead-letter exchange', async () => {
    await probe.declareQueue(THINGS_QUEUE, { durable: true });
    const app = await start();
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'legacy' }, { messageId: 'legacy-1' });
    await waitFor(() => app.get(ThingConsumer).deliveries.length === 1, {
      description: 'consumed from the legacy queue',
    });
  });
});

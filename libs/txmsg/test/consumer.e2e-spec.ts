import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import {
  EXCHANGE,
  OTHER_HAPPENED,
  OTHERS_QUEUE,
  THING_HAPPENED,
  THINGS_QUEUE,
  ThingConsumer,
  ThingService,
} from './support/fixtures';
import { closeConnections, createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

describe('Idempotent consumers, retry ladder and parking', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let probe: BrokerProbe;
  let consumer: ThingConsumer;

  beforeEach(async () => {
    db = await createTestDatabase('consumer');
    vhost = await createVhost('consumer');
    app = await startTestApp({ database: db.name, uri: vhost.uri, consumer: true, listen: true });
    consumer = app.get(ThingConsumer);
    probe = await BrokerProbe.open(vhost.uri);
  });

  afterEach(async () => {
    await app.close();
    await probe.close();
    await vhost.remove();
    await db.drop();
  });

  const times = async (effect: string) =>
    Number((await sql('SELECT times FROM t_effects WHERE k = ?', [effect], db.name))[0]?.times ?? 0);
  const failures = (status?: string) =>
    sql<any[]>(
      `SELECT * FROM txmsg_inbox_failure ${status ? 'WHERE status = ?' : ''}`,
      status ? [status] : [],
      db.name,
    );
  const admin = () => request(app.getHttpServer());
  const auth = { Authorization: 'Bearer test-admin-token' };

  it('applies a message redelivered and replayed many times exactly once', async () => {
    const body = { id: 'd1', note: 'dup' };
    const sameMessage = { messageId: 'fixed-id-1', type: THING_HAPPENED };
    await Promise.all(Array.from({ length: 8 }, () => probe.publish(EXCHANGE, THING_HAPPENED, body, sameMessage)));
    // Replays of the same fact under new message ids: the business key (`id`) still dedupes.
    for (let i = 0; i < 4; i++) await probe.publish(EXCHANGE, THING_HAPPENED, body, { messageId: `replay-${i}` });
    await waitFor(() => consumer.deliveries.length >= 1 && probe.queueDepth(THINGS_QUEUE).then((n) => n === 0), {
      description: 'queue drained',
    });
    await waitFor(async () => (await sql('SELECT COUNT(*) AS n FROM txmsg_dedup', [], db.name))[0].n == 1);
    expect(await times('thing:d1')).toBe(1);
    expect(consumer.deliveries).toHaveLength(1);
  });

  it('treats business keys that differ only in case as different messages', async () => {
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'Order-7' }, { messageId: 'case-1' });
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'order-7' }, { messageId: 'case-2' });
    await waitFor(async () => (await probe.queueDepth(THINGS_QUEUE)) === 0 && consumer.deliveries.length === 2, {
      description: 'both handled',
    });
    // The handler runs inside the consumer's transaction: its dedup row is there once that commits.
    const dedupKeys = async () =>
      // Sorted here: the engines' collations order case differently.
      (await sql<{ dedup_key: string }[]>('SELECT dedup_key FROM txmsg_dedup', [], db.name))
        .map((k) => k.dedup_key)
        .sort();
    await waitFor(async () => (await dedupKeys()).length === 2, { description: 'both committed' });
    expect(await dedupKeys()).toEqual(['Order-7', 'order-7']);
  });

  it('counts applied, duplicate and parked deliveries in the Prometheus metrics', async () => {
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'm1' }, { messageId: 'metrics-1' });
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'm1' }, { messageId: 'metrics-1' });
    await probe.publish(EXCHANGE, THING_HAPPENED, Buffer.from('nope'), { messageId: 'metrics-2' });
    await waitFor(async () => (await failures('PARKED')).length === 1 && (await probe.queueDepth(THINGS_QUEUE)) === 0);
    const { text } = await admin().get('/metrics').expect(200);
    const line = (outcome: string) =>
      `txmsg_consumer_messages_total{consumer="ThingConsumer.onThing",outcome="${outcome}",service="test-svc"}`;
    expect(text).toContain(`${line('applied')} 1`);
    expect(text).toContain(`${line('duplicate')} 1`);
    expect(text).toContain(`${line('parked')} 1`);
    expect(text).toContain('txmsg_inbox_failures{status="PARKED",service="test-svc"} 1');
    expect(text).toContain('process_resident_memory_bytes');
  });

  /** Holds the first delivery of `hold` in its handler and publishes `ids` behind it; they gather while it runs. */
  const publishBehindHeldDelivery = async (hold: string, ids: string[]) => {
    let release!: () => void;
    consumer.gates.set(hold, new Promise<void>((resolve) => (release = resolve)));
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: hold }, { messageId: `${hold}-msg` });
    await waitFor(() => consumer.deliveries.some((d) => d.id === hold), { description: `${hold} in its handler` });
    for (const id of ids) await probe.publish(EXCHANGE, THING_HAPPENED, { id }, { messageId: `${id}-msg` });
    await waitFor(async () => (await probe.queueDepth(THINGS_QUEUE)) === 0, {
      description: 'all delivered to the consumer',
    });
    release();
  };
  const metric = (text: string, name: string) =>
    Number(new RegExp(`^${name}\\{[^}]*consumer="ThingConsumer.onThing"[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);

  it('applies messages that arrive together in one transaction (group commit), each exactly once', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `g-${i}`);
    await publishBehindHeldDelivery('g-hold', ids);
    await waitFor(async () => (await Promise.all(ids.map((id) => times(`thing:${id}`)))).every((n) => n === 1), {
      description: 'all applied',
    });
    const { text } = await admin().get('/metrics').expect(200);
    const transactions = metric(text, 'txmsg_consumer_batch_size_count');
    const deliveries = metric(text, 'txmsg_consumer_batch_size_sum');
    expect(deliveries).toBe(13);
    expect(transactions).toBeLessThan(deliveries); // some transaction applied more than one
    expect(Number((await sql('SELECT COUNT(*) AS n FROM txmsg_dedup', [], db.name))[0].n)).toBe(13);
  });

  it('runs each message of a group alone when one of them fails, so only that one is parked', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `h-${i}`);
    consumer.failures.set('h-5', 'unrecoverable');
    await publishBehindHeldDelivery('h-hold', ids);
    await waitFor(async () => (await failures('PARKED')).length === 1, { description: 'h-5 parked' });
    const [parked] = await failures('PARKED');
    expect(parked).toMatchObject({ reason: 'UNRECOVERABLE', message_id: 'h-5-msg' });
    await waitFor(async () => (await probe.queueDepth(THINGS_QUEUE)) === 0);
    // The others' reruns may still be committing once the queue is empty.
    const applied = () => Promise.all(ids.map((id) => times(`thing:${id}`)));
    await waitFor(async () => (await applied()).filter((n) => n === 1).length === ids.length - 1, {
      description: 'the others applied',
    });
    for (const id of ids) expect(await times(`thing:${id}`)).toBe(id === 'h-5' ? 0 : 1);
    // The others were applied on their first delivery, not sent to the retry ladder.
    expect(consumer.deliveries.filter((d) => d.id !== 'h-5' && d.attempt !== 0)).toEqual([]);
    expect(await failures('WAITING')).toEqual([]);
  });

  it('survives its channel closing while a handler runs: no crash, the message comes again and applies once', async () => {
    // An ack (and the nack golevelup tries after it) on a closed channel throws; unguarded, that
    // is an unhandled rejection, which ends a Node process.
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      let release!: () => void;
      consumer.gates.set('c1', new Promise<void>((resolve) => (release = resolve)));
      await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'c1' }, { messageId: 'close-1' });
      await waitFor(() => consumer.deliveries.some((d) => d.id === 'c1'), { description: 'handler in flight' });
      await probe.close();
      await closeConnections(vhost.vhost);
      release();
      await waitFor(async () => (await times('thing:c1')) === 1, {
        timeoutMs: 20_000,
        description: 'applied after reconnect',
      });
      probe = await BrokerProbe.open(vhost.uri);
      // The first ack was lost with the channel: the queue drains only once the message came again
      // and was acknowledged as a duplicate.
      await waitFor(async () => (await probe.queueDepth(THINGS_QUEUE)) === 0, { description: 'queue drained' });
      expect(await times('thing:c1')).toBe(1);
      expect(consumer.deliveries.filter((d) => d.id === 'c1')).toHaveLength(1);
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('dedupes by message id when stacked the other way round with @RabbitSubscribe', async () => {
    for (let i = 0; i < 3; i++) await probe.publish(EXCHANGE, OTHER_HAPPENED, { id: 'o1' }, { messageId: 'other-1' });
    await probe.publish(EXCHANGE, OTHER_HAPPENED, { id: 'o1' }, { messageId: 'other-2' });
    await waitFor(async () => (await times('other:o1')) === 2 && (await probe.queueDepth(OTHERS_QUEUE)) === 0);
    expect(consumer.deliveries.map((d) => d.messageId).sort()).toEqual(['other-1', 'other-2']);
  });

  it('applies a message published by the outbox once, end to end', async () => {
    await app.get(ThingService).create('e1', 'end to end');
    await waitFor(async () => (await times('thing:e1')) === 1, { description: 'applied' });
    expect(consumer.deliveries[0]).toMatchObject({ id: 'e1', attempt: 0 });
  });

  it('redelivers a failing message on the ladder, in order, then applies it once', async () => {
    consumer.failures.set('f1', 2);
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'f1' }, { messageId: 'f1-msg' });
    await waitFor(async () => (await times('thing:f1')) === 1, { description: 'applied after two failures' });
    const attempts = consumer.deliveries.filter((d) => d.id === 'f1');
    expect(attempts.map((d) => d.attempt)).toEqual([0, 1, 2]);
    // Gaps follow the ladder (100 ms, then 200 ms): never earlier than the rung.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(100);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(200);
    // The failed attempts rolled back: the effect counter saw only the successful one.
    await waitFor(async () => (await failures()).length === 0, { description: 'failure record cleared' });
  });

  it('parks a message after the last rung of the ladder and can requeue it', async () => {
    consumer.failures.set('p1', 99);
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'p1' }, { messageId: 'p1-msg' });
    await waitFor(async () => (await failures('PARKED')).length === 1, { timeoutMs: 15_000, description: 'parked' });
    const [parked] = await failures('PARKED');
    expect(parked).toMatchObject({ reason: 'EXHAUSTED', attempts: 4, queue: THINGS_QUEUE, message_id: 'p1-msg' });
    expect(consumer.deliveries.filter((d) => d.id === 'p1')).toHaveLength(4); // first try + 3 rungs
    expect(await times('thing:p1')).toBe(0);

    const listed = await admin().get('/txmsg/parked').set(auth).expect(200);
    expect(listed.body).toEqual({
      items: [expect.objectContaining({ messageId: 'p1-msg', reason: 'EXHAUSTED', body: '{"id":"p1"}' })],
      nextCursor: null,
    });

    consumer.failures.set('p1', 0); // the bug is fixed; requeue the parked message
    await admin().post(`/txmsg/parked/${parked.id}/requeue`).set(auth).expect(200, { requeued: 1 });
    await waitFor(async () => (await times('thing:p1')) === 1, { description: 'applied after requeue' });
    await waitFor(async () => (await failures()).length === 0);
  });

  it('parks a malformed message at once while later messages still flow', async () => {
    await probe.publish(EXCHANGE, THING_HAPPENED, Buffer.from('{not json'), { messageId: 'poison-1' });
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'after-poison' }, { messageId: 'good-1' });
    await waitFor(async () => (await times('thing:after-poison')) === 1, { description: 'later message applied' });
    await waitFor(async () => (await failures('PARKED')).length === 1);
    const [parked] = await failures('PARKED');
    expect(parked).toMatchObject({ reason: 'POISON', attempts: 1, message_id: 'poison-1' });
    expect(consumer.deliveries.map((d) => d.id)).toEqual(['after-poison']);
    expect(await probe.queueDepth(THINGS_QUEUE)).toBe(0);
  });

  it('parks at once when the handler says the message is unrecoverable', async () => {
    consumer.failures.set('bad', 'unrecoverable');
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'bad' }, { messageId: 'bad-1' });
    await waitFor(async () => (await failures('PARKED')).length === 1);
    expect((await failures('PARKED'))[0]).toMatchObject({ reason: 'UNRECOVERABLE', attempts: 1 });
    expect(consumer.deliveries).toHaveLength(1);
  });

  it('guards the admin API with the bearer token and purges parked messages', async () => {
    await probe.publish(EXCHANGE, THING_HAPPENED, Buffer.from('garbage'), { messageId: 'poison-2' });
    await waitFor(async () => (await failures('PARKED')).length === 1);
    await admin().get('/txmsg/parked').expect(401);
    await admin().get('/txmsg/parked').set({ Authorization: 'Bearer wrong' }).expect(401);
    await admin().get('/txmsg/failures?status=NOPE').set(auth).expect(400);
    await admin().delete('/txmsg/parked').set(auth).expect(200, { purged: 1 });
    expect(await failures()).toHaveLength(0);
  });
});

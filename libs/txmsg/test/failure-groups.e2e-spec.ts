import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { IntegrationEvent, OnIntegrationEvent } from '../src';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE } from './support/fixtures';
import { createTestDatabase, createVhost, dialect, sql } from './support/infra';
import { BrokerProbe } from './support/probe';
import { storedBody } from './support/sql-fragments';

const SHIPMENT_REQUESTED = 'test.shipment.requested';
const CONSUMER = 'ShippingConsumer.ship';
const MISSING_ORDERS = 50;
const BAD_STOCK = 4;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** The order service had not sent the order yet: fixed once it has. */
class OrderNotFound extends Error {}

@IntegrationEvent(SHIPMENT_REQUESTED)
class ShipmentRequested {
  order: number;
  /** `missing-order` fails with OrderNotFound until healed, `bad-stock` with a TypeError, always. */
  fails: 'missing-order' | 'bad-stock';
  sku: string;
  note: string;
}

/** A consumer that never retries (one attempt), so each failure parks at once. */
@Injectable()
class ShippingConsumer {
  readonly applied: number[] = [];
  ordersArrived = false;

  @OnIntegrationEvent(ShipmentRequested, { queue: 'test.ship-on-shipment-requested', retry: { maxAttempts: 1 } })
  async ship(event: ShipmentRequested): Promise<void> {
    if (event.fails === 'missing-order' && !this.ordersArrived)
      throw new OrderNotFound(`order ${event.order} not found`);
    if (event.fails === 'bad-stock') throw new TypeError(`cannot read the stock of "${event.sku}"`);
    this.applied.push(event.order);
  }
}

@Module({ providers: [ShippingConsumer] })
class ShippingModule {}

interface Group {
  consumer: string;
  reason: string | null;
  errorClass: string | null;
  fingerprint: string | null;
  sampleError: string | null;
  count: number;
  oldestAt: string;
  newestAt: string;
}

describe('Failures grouped by cause, searched and changed by filter', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let probe: BrokerProbe;
  let consumer: ShippingConsumer;
  const messageIds = new Map<number, string>();

  beforeAll(async () => {
    db = await createTestDatabase('groups');
    vhost = await createVhost('groups');
    app = await startTestApp({ database: db.name, uri: vhost.uri, listen: true, modules: [ShippingModule] });
    consumer = app.get(ShippingConsumer);
    probe = await BrokerProbe.open(vhost.uri);
    const shipments = Array.from({ length: MISSING_ORDERS + BAD_STOCK }, (_, i) => {
      const order = 1000 + i;
      messageIds.set(order, randomUUID());
      const fails = i < MISSING_ORDERS ? 'missing-order' : 'bad-stock';
      return {
        body: { order, fails, sku: `sku-${i}`, note: `crate ${i}-blue` },
        options: {
          messageId: messageIds.get(order),
          type: SHIPMENT_REQUESTED,
          headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
        },
      };
    });
    await probe.publishMany(EXCHANGE, SHIPMENT_REQUESTED, shipments);
    await waitFor(async () => (await parkedCount()) === MISSING_ORDERS + BAD_STOCK, {
      timeoutMs: 30_000,
      description: 'every shipment parked',
    });
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await vhost.remove();
    await db.drop();
  });

  const admin = () => request(app.getHttpServer());
  const auth = { Authorization: 'Bearer test-admin-token' };
  const parkedCount = async (query: Record<string, string> = {}) =>
    Number((await admin().get('/txmsg/parked/count').query(query).set(auth).expect(200)).body.count);
  const groups = async (query: Record<string, string> = { status: 'PARKED' }): Promise<Group[]> =>
    (await admin().get('/txmsg/failures/groups').query(query).set(auth).expect(200)).body.items;
  const fingerprintOf = async (errorClass: string) =>
    (await groups()).find((g) => g.errorClass === errorClass)!.fingerprint!;

  it('groups failures of one cause under one fingerprint, whatever ids their errors name, largest first', async () => {
    const found = await groups();
    expect(found).toHaveLength(2);
    const [missing, badStock] = found;
    expect(missing).toMatchObject({ consumer: CONSUMER, reason: 'EXHAUSTED', errorClass: 'OrderNotFound' });
    expect(missing.count).toBe(MISSING_ORDERS);
    expect(missing.sampleError).toMatch(/^Error: order 10\d\d not found$/);
    expect(badStock).toMatchObject({ consumer: CONSUMER, reason: 'EXHAUSTED', errorClass: 'TypeError' });
    expect(badStock.count).toBe(BAD_STOCK);
    expect(badStock.sampleError).toMatch(/^TypeError: cannot read the stock of "sku-\d+"$/);
    for (const group of found) {
      expect(group.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(Date.parse(group.oldestAt)).toBeLessThanOrEqual(Date.parse(group.newestAt));
    }
    expect(missing.fingerprint).not.toBe(badStock.fingerprint);

    expect(await groups({ status: 'PARKED', consumer: CONSUMER })).toEqual(found);
    expect(await groups({ status: 'PARKED', consumer: 'Nobody.here' })).toEqual([]);
    expect(await groups({ status: 'WAITING' })).toEqual([]);
    expect(await groups({ status: 'PARKED', limit: '1' })).toEqual([missing]);
  });

  it('lists, counts and pages the failures of a fingerprint, and searches ids, keys, errors and bodies', async () => {
    const missing = await fingerprintOf('OrderNotFound');
    const list = async (query: Record<string, string>) =>
      (await admin().get('/txmsg/failures').query(query).set(auth).expect(200)).body;

    const all = await list({ fingerprint: missing, limit: '100' });
    expect(all.items).toHaveLength(MISSING_ORDERS);
    expect(all.items.every((item: { fingerprint: string }) => item.fingerprint === missing)).toBe(true);
    const first = await list({ fingerprint: missing, limit: '30' });
    const second = await list({ fingerprint: missing, limit: '30', after: first.nextCursor });
    expect([...first.items, ...second.items].map((i: { id: string }) => i.id)).toEqual(
      all.items.map((i: { id: string }) => i.id),
    );
    expect(second.nextCursor).toBeNull();
    expect(await parkedCount({ consumer: CONSUMER, fingerprint: missing })).toBe(MISSING_ORDERS);

    // An exact message id; a substring of the last error; a substring only the body holds; the routing key.
    const byId = await list({ search: messageIds.get(1007)! });
    expect(byId.items.map((i: { messageId: string }) => i.messageId)).toEqual([messageIds.get(1007)]);
    expect((await list({ search: 'order 1042 not' })).items).toHaveLength(1);
    const inBody = await list({ search: 'crate 51-blue' });
    expect(inBody.items.map((i: { messageId: string }) => i.messageId)).toEqual([messageIds.get(1051)]);
    expect(await parkedCount({ search: SHIPMENT_REQUESTED })).toBe(MISSING_ORDERS + BAD_STOCK);
    expect(await parkedCount({ search: 'Crate 51-BLUE' })).toBe(0);
    expect(await parkedCount({ fingerprint: missing, search: 'sku-51' })).toBe(0);
    expect(await parkedCount({ fingerprint: 'none' })).toBe(0);
  });

  it('shows one failure with its headers, body, error, attempts and trace id', async () => {
    const [item] = (
      await admin()
        .get('/txmsg/failures')
        .query({ search: messageIds.get(1003)! })
        .set(auth)
        .expect(200)
    ).body.items;
    const { body } = await admin().get(`/txmsg/failures/${item.id}`).set(auth).expect(200);
    expect(body).toMatchObject({
      id: item.id,
      consumer: CONSUMER,
      messageId: messageIds.get(1003),
      routingKey: SHIPMENT_REQUESTED,
      exchange: EXCHANGE,
      status: 'PARKED',
      reason: 'EXHAUSTED',
      attempts: 1,
      lastError: 'Error: order 1003 not found',
      errorClass: 'OrderNotFound',
      traceId: TRACE_ID,
    });
    expect(JSON.parse(body.body)).toMatchObject({ order: 1003, note: 'crate 3-blue' });
    expect(body.properties.messageId).toBe(messageIds.get(1003));
    expect(body.properties.headers.traceparent).toContain(TRACE_ID);
    expect(Date.parse(body.createdAt)).not.toBeNaN();
    await admin().get('/txmsg/failures/999999999').set(auth).expect(404);
    await admin().get('/txmsg/failures/abc').set(auth).expect(400);
  });

  it('refuses a bad filter with 400 instead of acting on more than asked', async () => {
    for (const query of [
      { fingerprint: 'XYZ' },
      { fingerprint: 'ABCDEF0123456789' },
      { consumer: '' },
      { search: 'x'.repeat(501) },
      { consumer: ['a', 'b'] },
    ]) {
      await admin().get('/txmsg/parked/count').query(query).set(auth).expect(400);
      await admin().post('/txmsg/parked/requeue').query(query).set(auth).expect(400);
      await admin().delete('/txmsg/parked').query(query).set(auth).expect(400);
    }
    await admin().get('/txmsg/failures/groups').query({ status: 'GONE' }).set(auth).expect(400);
    await admin().get('/txmsg/failures').query({ fingerprint: 'nope' }).set(auth).expect(400);
    expect(await parkedCount()).toBe(MISSING_ORDERS + BAD_STOCK);
  });

  it('requeues one group by its fingerprint once its cause is fixed, each message applied once, the other group left', async () => {
    const [missing, badStock] = [await fingerprintOf('OrderNotFound'), await fingerprintOf('TypeError')];
    consumer.ordersArrived = true;
    await admin()
      .post('/txmsg/parked/requeue')
      .query({ consumer: CONSUMER, fingerprint: missing })
      .set(auth)
      .expect(200, { requeued: MISSING_ORDERS });
    await waitFor(
      async () =>
        consumer.applied.length >= MISSING_ORDERS &&
        (await admin().get('/txmsg/failures').query({ fingerprint: missing }).set(auth)).body.items.length === 0,
      { timeoutMs: 30_000, description: 'every requeued shipment applied and its failure row gone' },
    );
    expect([...consumer.applied].sort()).toEqual(Array.from({ length: MISSING_ORDERS }, (_, i) => 1000 + i));
    expect(await parkedCount({ fingerprint: badStock })).toBe(BAD_STOCK);
    expect((await groups()).map((g) => [g.fingerprint, g.count])).toEqual([[badStock, BAD_STOCK]]);
  });

  it('deletes one group by its fingerprint, and rows recorded before fingerprints by none', async () => {
    const badStock = await fingerprintOf('TypeError');
    // A row as the table held it before the migration: no error class, no fingerprint.
    await sql(
      `INSERT INTO txmsg_inbox_failure
         (consumer, message_id, queue, exchange, routing_key, properties, body, attempts, status, reason, next_attempt_at, last_error)
       VALUES (?, 'older-row', 'q', ?, ?, '{}', ${storedBody("'{}'")}, 4, 'PARKED', 'EXHAUSTED', ${dialect.now}, 'Error: boom')`,
      [CONSUMER, EXCHANGE, SHIPMENT_REQUESTED],
      db.name,
    );
    const older = (await groups()).find((g) => g.fingerprint === null);
    expect(older).toMatchObject({ consumer: CONSUMER, reason: 'EXHAUSTED', errorClass: null, count: 1 });
    expect(older!.sampleError).toBe('Error: boom');

    await admin().delete('/txmsg/parked').query({ fingerprint: badStock }).set(auth).expect(200, { purged: BAD_STOCK });
    expect(await parkedCount({ fingerprint: badStock })).toBe(0);
    expect(await parkedCount()).toBe(1);
    await admin().delete('/txmsg/parked').query({ fingerprint: 'none' }).set(auth).expect(200, { purged: 1 });
    expect(await groups()).toEqual([]);
    expect(consumer.applied).toHaveLength(MISSING_ORDERS);
  });
});

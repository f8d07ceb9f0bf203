import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BrokerTestClient, waitFor } from '@txmsg/nestjs/testing';
import { createApp } from '../src/main';
import { RESERVE_STOCK_QUEUE } from '../src/stock/reserve-stock-on-order-placed.consumer';
import { createVhost, DB, queueBacklog, sql, testName } from './support';

describe('orders-stock on @txmsg/nestjs (installed from its npm tarball, on Fastify)', () => {
  const database = testName();
  const vhostName = testName();
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: NestFastifyApplication;
  let broker: BrokerTestClient;
  let url: string;

  const query = (statement: string, params: unknown[] = []) => sql(statement, params, database);
  const reserved = async (sku: string) =>
    Number((await query('SELECT reserved FROM stock WHERE sku = ?', [sku]))[0].reserved);
  const placeOrder = async (sku: string, quantity: number): Promise<string> => {
    const response = await fetch(`${url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku, quantity }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { orderId: string }).orderId;
  };

  beforeAll(async () => {
    await sql(`CREATE DATABASE \`${database}\``);
    vhost = await createVhost(vhostName);
    broker = await BrokerTestClient.open(vhost.uri);
    await broker.watch('txmsg.events', 'orders.#');
    app = await createApp(
      {
        port: 0,
        database: { ...DB, name: database },
        amqpUri: vhost.uri,
        retryLadderMs: [200, 400],
      },
      ['error'], // the failing handler's retries are expected here, not news
    );
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await broker?.close();
    await vhost?.remove();
    await sql(`DROP DATABASE IF EXISTS \`${database}\``);
  });

  it('reserves stock once per order, even when the order message is replayed', async () => {
    const orderId = await placeOrder('widget', 3);
    await waitFor(async () => (await reserved('widget')) === 3, { description: 'widget reserved' });
    const original = await waitFor(() =>
      broker.received.find((m) => JSON.parse(m.content.toString()).orderId === orderId),
    );

    await broker.replay(original);
    // Confirmed by the broker, so the copy is in the queue; once the backlog is 0 the consumer has
    // acknowledged it.
    await waitFor(async () => (await queueBacklog(vhostName, RESERVE_STOCK_QUEUE)) === 0, {
      timeoutMs: 30_000,
      description: 'replay consumed',
    });

    expect(await reserved('widget')).toBe(3);
    expect(await query('SELECT dedup_key FROM txmsg_dedup')).toEqual([{ dedup_key: orderId }]);
    expect(await query('SELECT id FROM txmsg_inbox_failure')).toEqual([]);
  });

  it('retries a failing stock handler on the ladder, then parks the message', async () => {
    const orderId = await placeOrder('gadget', 50); // 5 on hand: the reservation fails every time

    const parked = await waitFor(
      async () =>
        (await query(`SELECT status, reason, attempts, body FROM txmsg_inbox_failure WHERE status = 'PARKED'`))[0],
      { timeoutMs: 20_000, description: 'message parked' },
    );
    expect(parked).toMatchObject({ status: 'PARKED', reason: 'EXHAUSTED', attempts: 3 });
    expect(JSON.parse(Buffer.from(String(parked.body), 'base64').toString())).toMatchObject({ orderId });
    expect(await reserved('gadget')).toBe(0);
    expect(await query('SELECT id FROM orders WHERE id = ?', [orderId])).toEqual([{ id: orderId }]);
  });
});

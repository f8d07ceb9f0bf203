import { BrokerTestClient, waitFor } from '@txmsg/nestjs/testing';
import { RESERVE_STOCK_QUEUE } from '../src/stock/reserve-stock-on-order-events.consumer';
import { StockReservations } from '../src/stock/stock-reservations.service';
import { type Example, queueBacklog, startExample } from './support';

describe('orders-stock on @txmsg/nestjs (installed from its npm tarball, on Fastify)', () => {
  let example: Example;
  let broker: BrokerTestClient;

  const reserved = async (sku: string) =>
    Number((await example.query('SELECT reserved FROM stock WHERE sku = ?', [sku]))[0].reserved);
  const placeOrder = async (sku: string, quantity: number): Promise<string> => {
    const { status, body } = await example.post<{ orderId: string }>('/orders', { sku, quantity });
    expect(status).toBe(201);
    return body.orderId;
  };

  beforeAll(async () => {
    example = await startExample();
    broker = await BrokerTestClient.open(example.amqpUri);
    await broker.watch('txmsg.events', 'orders.#');
  });

  afterAll(async () => {
    await broker?.close();
    await example?.close();
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
    await waitFor(async () => (await queueBacklog(example.vhostName, RESERVE_STOCK_QUEUE)) === 0, {
      timeoutMs: 30_000,
      description: 'replay consumed',
    });

    expect(await reserved('widget')).toBe(3);
    expect(await example.query('SELECT movement FROM stock_movements WHERE order_id = ?', [orderId])).toEqual([
      { movement: 'RESERVED' },
    ]);
    expect(
      await example.query('SELECT dedup_key FROM txmsg_dedup WHERE consumer = ?', [
        'ReserveStockOnOrderEventsConsumer.handle',
      ]),
    ).toEqual([{ dedup_key: original.properties.messageId }]);
    expect(await example.query('SELECT id FROM txmsg_inbox_failure')).toEqual([]);
  });

  it('applies an order once when its first delivery fails after its write', async () => {
    const reservations = example.app.get(StockReservations);
    const reserve = reservations.reserve.bind(reservations);
    const spy = jest.spyOn(reservations, 'reserve').mockImplementationOnce(async (...args) => {
      await reserve(...args); // written, then thrown: the rollback must take the write back
      throw new Error('the first delivery fails after its write');
    });
    try {
      const before = await reserved('widget');
      const orderId = await placeOrder('widget', 2);
      const movements = () => example.query('SELECT movement FROM stock_movements WHERE order_id = ?', [orderId]);
      await waitFor(async () => (await movements()).length > 0, {
        timeoutMs: 15_000,
        description: 'the retried delivery applied',
      });
      expect(spy.mock.calls.length).toBe(2);
      await expect(spy.mock.results[0].value).rejects.toThrow('the first delivery fails after its write');
      expect(await reserved('widget')).toBe(before + 2);
      expect(await example.query('SELECT movement FROM stock_movements WHERE order_id = ?', [orderId])).toEqual([
        { movement: 'RESERVED' },
      ]);
      expect(await example.query(`SELECT id FROM txmsg_inbox_failure WHERE status = 'PARKED'`)).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('retries a failing stock handler on the ladder, then parks the message', async () => {
    const orderId = await placeOrder('gadget', 50); // 5 on hand: the reservation fails every time

    const parked = await waitFor(
      async () =>
        (
          await example.query(`SELECT status, reason, attempts, body FROM txmsg_inbox_failure WHERE status = 'PARKED'`)
        )[0],
      { timeoutMs: 20_000, description: 'message parked' },
    );
    expect(parked).toMatchObject({ status: 'PARKED', reason: 'EXHAUSTED', attempts: 3 });
    expect(JSON.parse(Buffer.from(String(parked.body), 'base64').toString())).toMatchObject({ orderId });
    expect(await reserved('gadget')).toBe(0);
    expect(await example.query('SELECT id FROM orders WHERE id = ?', [orderId])).toEqual([{ id: orderId }]);
  });
});

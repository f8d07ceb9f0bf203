import { BrokerTestClient, waitFor } from '@txmsg/nestjs/testing';
import request from 'supertest';
import { CREATE_INVOICE_QUEUE } from '../src/invoices/create-invoice-on-order-placed.consumer.js';
import { InvoicesService } from '../src/invoices/invoices.service.js';
import { type StartedApp, queueBacklog, startApp } from './support.js';

describe('a Nest 12 application on @txmsg/nestjs (installed from its npm tarball)', () => {
  let started: StartedApp;
  let broker: BrokerTestClient;

  const placeOrder = (sku: string, quantity: number) =>
    request(started.app.getHttpServer())
      .post('/orders')
      .send({ sku, quantity });
  const invoicesOf = (orderId: string) =>
    started.query('SELECT sku, quantity FROM invoices WHERE order_id = ?', [
      orderId,
    ]);
  const outboxRowsOf = async (orderId: string) =>
    (
      await started.query<Array<{ routing_key: string; payload: string }>>(
        'SELECT routing_key, payload FROM txmsg_outbox',
      )
    ).filter((row) => JSON.parse(row.payload).orderId === orderId);
  const dedupRowOf = async (orderId: string) =>
    (
      await started.query(
        'SELECT dedup_key FROM txmsg_dedup WHERE consumer = ? AND dedup_key = ?',
        ['CreateInvoiceOnOrderPlacedConsumer.handle', orderId],
      )
    )[0];

  beforeAll(async () => {
    started = await startApp();
    broker = await BrokerTestClient.open(started.amqpUri);
    await broker.watch('txmsg.events', 'orders.#');
  });

  afterAll(async () => {
    await broker?.close();
    await started?.close();
  });

  it('commits an order with its message, and a refused order with neither', async () => {
    const placed = await placeOrder('widget', 3).expect(201);
    const { orderId } = placed.body as { orderId: string };
    expect(
      await started.query('SELECT sku, quantity FROM orders WHERE id = ?', [
        orderId,
      ]),
    ).toEqual([{ sku: 'widget', quantity: 3 }]);
    expect(await outboxRowsOf(orderId)).toEqual([
      expect.objectContaining({ routing_key: 'orders.order.placed' }),
    ]);
    await waitFor(
      () =>
        broker.received.some(
          (m) => JSON.parse(m.content.toString()).orderId === orderId,
        ),
      { timeoutMs: 10_000, description: 'OrderPlaced on the broker' },
    );

    // 5 gadgets in stock: the stock is taken after the order and its message were written, and
    // its refusal rolls both back.
    const outboxBefore = await started.query('SELECT id FROM txmsg_outbox');
    await placeOrder('gadget', 6).expect(409);
    expect(
      await started.query("SELECT id FROM orders WHERE sku = 'gadget'"),
    ).toEqual([]);
    expect(await started.query('SELECT id FROM txmsg_outbox')).toEqual(
      outboxBefore,
    );
    expect(
      await started.query("SELECT available FROM stock WHERE sku = 'gadget'"),
    ).toEqual([{ available: 5 }]);
  });

  it('applies an order once when its first delivery fails after writing the invoice', async () => {
    const invoices = started.app.get(InvoicesService);
    const write = invoices.create.bind(invoices);
    const create = vi
      .spyOn(invoices, 'create')
      .mockImplementationOnce(async (...args) => {
        await write(...args);
        throw new Error('the first delivery fails after its write');
      });
    try {
      const placed = await placeOrder('widget', 2).expect(201);
      const { orderId } = placed.body as { orderId: string };

      await waitFor(() => dedupRowOf(orderId), {
        timeoutMs: 15_000,
        description: 'the retried delivery applied',
      });
      expect(create.mock.calls.length).toBeGreaterThanOrEqual(2);
      await expect(create.mock.results[0].value).rejects.toThrow(
        'the first delivery fails after its write',
      );
      expect(await invoicesOf(orderId)).toEqual([
        { sku: 'widget', quantity: 2 },
      ]);
      expect(
        await started.query(
          "SELECT id FROM txmsg_inbox_failure WHERE status = 'PARKED'",
        ),
      ).toEqual([]);
    } finally {
      create.mockRestore();
    }
  });

  it('absorbs a replayed duplicate: the order is invoiced once', async () => {
    const placed = await placeOrder('widget', 1).expect(201);
    const { orderId } = placed.body as { orderId: string };
    const original = await waitFor(() =>
      broker.received.find(
        (m) => JSON.parse(m.content.toString()).orderId === orderId,
      ),
    );
    await waitFor(() => dedupRowOf(orderId), {
      timeoutMs: 10_000,
      description: 'order invoiced',
    });

    await broker.replay(original);
    // Confirmed by the broker, so the copy is in the queue; once the backlog is 0 the consumer
    // has acknowledged it.
    await waitFor(
      async () =>
        (await queueBacklog(started.vhost, CREATE_INVOICE_QUEUE)) === 0,
      { timeoutMs: 20_000, description: 'replay consumed' },
    );

    expect(await invoicesOf(orderId)).toEqual([{ sku: 'widget', quantity: 1 }]);
  });
});

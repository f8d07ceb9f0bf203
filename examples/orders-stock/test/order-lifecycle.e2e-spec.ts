import { ORDERING_HEADERS } from '@txmsg/nestjs';
import { BrokerTestClient, waitFor } from '@txmsg/nestjs/testing';
import { randomUUID } from 'node:crypto';
import { ORDER_PAID } from '../src/orders/order-paid.event';
import { ORDER_PLACED } from '../src/orders/order-placed.event';
import { ORDER_SHIPPED } from '../src/orders/order-shipped.event';
import { type Example, startExample } from './support';

const UNPAID_TIMEOUT_MS = 2000;
const STOCK_CONSUMER = 'ReserveStockOnOrderEventsConsumer.handle';

describe('an order placed, paid and shipped, or expired unpaid', () => {
  let example: Example;
  let broker: BrokerTestClient;

  beforeAll(async () => {
    // A ladder long enough for the test to look at a message held back behind a failing one.
    example = await startExample({ retryLadderMs: [1000, 2000], unpaidTimeoutMs: UNPAID_TIMEOUT_MS });
    broker = await BrokerTestClient.open(example.amqpUri);
  });

  // A test that failed half-way must not leave the paid step refused for the next ones.
  afterEach(() => example.query('DROP TRIGGER IF EXISTS refuse_commit'));

  afterAll(async () => {
    await broker?.close();
    await example?.close();
  });

  /** A stock row of the test's own, so no test sees another's reservations. */
  const stockOf = async (sku: string, onHand: number) => {
    await example.query('INSERT INTO stock (sku, on_hand) VALUES (?, ?)', [sku, onHand]);
    return async () =>
      (await example.query('SELECT on_hand, reserved FROM stock WHERE sku = ?', [sku]))[0] as {
        on_hand: number;
        reserved: number;
      };
  };
  const place = async (sku: string, quantity = 1): Promise<string> => {
    const { status, body } = await example.post<{ orderId: string }>('/orders', { sku, quantity });
    expect(status).toBe(201);
    return body.orderId;
  };
  const step = async (orderId: string, action: 'pay' | 'ship') => {
    const { status, body } = await example.post(`/orders/${orderId}/${action}`);
    expect({ status, body }).toMatchObject({ status: 200 });
  };
  /** The stock steps applied to the order, in the order they committed. */
  const movements = async (orderId: string) =>
    (
      await example.query<Array<{ movement: string }>>(
        'SELECT movement FROM stock_movements WHERE order_id = ? ORDER BY id',
        [orderId],
      )
    ).map((row) => row.movement);
  const orderRow = async (orderId: string) =>
    (
      await example.query<Array<{ status: string; expiry_message_id: string; lived_ms: number }>>(
        `SELECT status, expiry_message_id, TIMESTAMPDIFF(MICROSECOND, created_at, updated_at) / 1000 AS lived_ms
           FROM orders WHERE id = ?`,
        [orderId],
      )
    )[0];

  it('applies placed, paid and shipped in order when they arrive last first', async () => {
    const stock = await stockOf('reversed', 10);
    const orderId = randomUUID();
    // An order's stream as the orders module numbers it, sent to the exchange in reverse.
    const stream = [
      { type: ORDER_PLACED, payload: { orderId, sku: 'reversed', quantity: 2 } },
      { type: ORDER_PAID, payload: { orderId } },
      { type: ORDER_SHIPPED, payload: { orderId } },
    ];
    for (const [i, { type, payload }] of [...stream.entries()].reverse()) {
      await broker.publish('txmsg.events', type, payload, {
        messageId: randomUUID(),
        type,
        appId: 'orders-stock',
        contentType: 'application/json',
        headers: { [ORDERING_HEADERS.key]: orderId, [ORDERING_HEADERS.seq]: i + 1 },
      });
    }

    await waitFor(async () => (await movements(orderId)).length === 3, { description: 'order shipped' });
    expect(await movements(orderId)).toEqual(['RESERVED', 'COMMITTED', 'SHIPPED']);
    expect(await stock()).toEqual({ on_hand: 8, reserved: 0 });
    expect(await example.query('SELECT last_error FROM txmsg_inbox_failure')).toEqual([]);
  });

  it('holds shipped back while paid is failing, and applies it once paid is', async () => {
    const stock = await stockOf('held', 10);
    const orderId = await place('held', 2);
    await waitFor(async () => (await movements(orderId)).length === 1, { description: 'stock reserved' });

    // The database refuses the paid step until the test drops the trigger: a failure the handler
    // cannot get past, as a lock timeout or a server restart would be for a while.
    await example.query(`
      CREATE TRIGGER refuse_commit BEFORE INSERT ON stock_movements FOR EACH ROW
        IF NEW.movement = 'COMMITTED' THEN
          SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'stock ledger unavailable';
        END IF`);
    await step(orderId, 'pay');
    await waitFor(
      async () =>
        (
          await example.query('SELECT id FROM txmsg_inbox_failure WHERE consumer = ? AND routing_key = ?', [
            STOCK_CONSUMER,
            ORDER_PAID,
          ])
        ).length === 1,
      { description: 'paid failed and waiting for its retry' },
    );

    await step(orderId, 'ship');
    const held = await waitFor(
      async () =>
        (
          await example.query('SELECT seq FROM txmsg_ordering_held WHERE consumer = ? AND ordering_key = ?', [
            STOCK_CONSUMER,
            orderId,
          ])
        )[0],
      { description: 'shipped held back' },
    );
    expect(Number(held.seq)).toBe(3); // placed 1, paid 2, shipped 3
    expect(await movements(orderId)).toEqual(['RESERVED']);

    await example.query('DROP TRIGGER refuse_commit');
    await waitFor(async () => (await movements(orderId)).length === 3, { timeoutMs: 20_000, description: 'shipped' });
    expect(await movements(orderId)).toEqual(['RESERVED', 'COMMITTED', 'SHIPPED']);
    expect(await stock()).toEqual({ on_hand: 8, reserved: 0 });
    await waitFor(async () => (await example.query('SELECT id FROM txmsg_ordering_held')).length === 0, {
      description: 'held message forgotten once applied',
    });
    expect(await example.query('SELECT id FROM txmsg_inbox_failure')).toEqual([]);
  });

  it('expires an unpaid order once its timeout is due, and releases its stock', async () => {
    const stock = await stockOf('unpaid', 10);
    const orderId = await place('unpaid', 4);
    await waitFor(async () => (await stock()).reserved === 4, { description: 'stock reserved' });

    await waitFor(async () => (await orderRow(orderId)).status === 'EXPIRED', {
      timeoutMs: UNPAID_TIMEOUT_MS + 10_000,
      description: 'order expired',
    });
    // Written a moment after its expiry message, the order can have lived a little less than the timeout.
    expect(Number((await orderRow(orderId)).lived_ms)).toBeGreaterThanOrEqual(UNPAID_TIMEOUT_MS - 100);
    await waitFor(async () => (await stock()).reserved === 0, { description: 'stock released' });
    expect(await movements(orderId)).toEqual(['RESERVED', 'RELEASED']);
    expect(await stock()).toEqual({ on_hand: 10, reserved: 0 });

    const late = await example.post(`/orders/${orderId}/pay`);
    expect(late.status).toBe(409);
    expect(await movements(orderId)).toEqual(['RESERVED', 'RELEASED']);
  });

  it('never expires a paid order: paying cancelled its expiry', async () => {
    const stock = await stockOf('paid', 10);
    const paid = await place('paid', 3);
    await step(paid, 'pay');
    // Due after the paid order's expiry would have been: once it has expired, that one would have too.
    const later = await place('paid', 1);
    await waitFor(async () => (await orderRow(later)).status === 'EXPIRED', {
      timeoutMs: UNPAID_TIMEOUT_MS + 10_000,
      description: 'the later unpaid order expired',
    });

    expect((await orderRow(paid)).status).toBe('PAID');
    const { expiry_message_id } = await orderRow(paid);
    expect(await example.query('SELECT status FROM txmsg_outbox WHERE message_id = ?', [expiry_message_id])).toEqual([
      { status: 'CANCELLED' },
    ]);
    expect(await example.query('SELECT dedup_key FROM txmsg_dedup WHERE dedup_key = ?', [paid])).toEqual([]); // the expiry consumer never saw it
    await waitFor(async () => (await movements(paid)).length === 2, { description: 'paid order committed' });
    expect(await movements(paid)).toEqual(['RESERVED', 'COMMITTED']);
    await waitFor(async () => (await stock()).reserved === 3, { description: 'later order released' });
  });
});

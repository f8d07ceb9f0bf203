import type { INestApplication } from '@nestjs/common';
import { OutsideTransactionError } from '../src';
import { OutboxPublisher } from '../src/outbox/outbox-publisher';
import { OutboxRelay } from '../src/outbox/outbox-relay';
import { OutboxStore } from '../src/store/outbox-store';
import { TransactionHooks } from '../src/transaction-hooks/transaction-hooks';
import { TXMSG_OPTIONS } from '../src/txmsg.constants';
import type { ResolvedTxMsgOptions } from '../src/txmsg.options';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, THING_HAPPENED, THINGS_QUEUE, ThingConsumer, ThingService } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

describe('Outbox and relay', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication | undefined;
  let probe: BrokerProbe;

  beforeEach(async () => {
    db = await createTestDatabase('outbox');
    vhost = await createVhost('outbox');
    probe = await BrokerProbe.open(vhost.uri);
    await probe.watch(EXCHANGE, '#');
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await probe.close();
    await vhost.remove();
    await db.drop();
  });

  const outboxRows = (status?: string) =>
    sql<{ status: string; message_id: string }[]>(
      `SELECT status, message_id FROM txmsg_outbox ${status ? 'WHERE status = ?' : ''}`,
      status ? [status] : [],
      db.name,
    );

  it('publishes a committed message with its envelope', async () => {
    app = await startTestApp({ database: db.name, uri: vhost.uri });
    await app.get(ThingService).create('a1', 'hello');
    await waitFor(() => probe.received.length === 1, { description: 'message published' });
    const [message] = probe.received;
    expect(JSON.parse(message.content.toString())).toEqual({ id: 'a1', note: 'hello' });
    expect(message.fields.routingKey).toBe(THING_HAPPENED);
    expect(message.properties).toMatchObject({
      type: THING_HAPPENED,
      appId: 'test-svc',
      contentType: 'application/json',
      deliveryMode: 2,
    });
    expect(message.properties.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(message.properties.correlationId).toEqual(expect.any(String));
    expect(message.properties.timestamp).toBeGreaterThan(0);
    await waitFor(async () => (await outboxRows('PUBLISHED')).length === 1, { description: 'row marked published' });
  });

  it('sends nothing when the local transaction rolls back', async () => {
    app = await startTestApp({ database: db.name, uri: vhost.uri });
    const things = app.get(ThingService);
    await expect(things.create('r1', 'doomed', true)).rejects.toThrow('business rule failed');
    await things.create('r2', 'after');
    await waitFor(() => probe.received.length >= 1, { description: 'the later message' });
    expect(probe.payloads().map((p) => p.id)).toEqual(['r2']);
    expect(await outboxRows()).toHaveLength(1);
    expect(await sql('SELECT id FROM t_ledger', [], db.name)).toEqual([{ id: 'r2' }]);
  });

  it('refuses to write a message outside a transaction', async () => {
    app = await startTestApp({ database: db.name, uri: vhost.uri });
    await expect(app.get(ThingService).createWithoutTransaction('x1')).rejects.toBeInstanceOf(OutsideTransactionError);
    expect(await outboxRows()).toHaveLength(0);
  });

  it('publishes right after the commit, from the writing process, with no relay round', async () => {
    app = await startTestApp({ database: db.name, uri: vhost.uri, txmsg: { relay: { pollIntervalMs: 600_000 } } });
    const relay = app.get(OutboxRelay, { strict: false });
    const rounds = jest.spyOn(relay, 'relayOnce');
    const things = app.get(ThingService);
    await Promise.all(Array.from({ length: 20 }, (_, i) => things.create(`d${i}`, 'dispatched')));
    await waitFor(() => probe.received.length === 20, { timeoutMs: 5000, description: 'published at commit' });
    await waitFor(async () => (await outboxRows('PUBLISHED')).length === 20, { description: 'rows marked in batches' });
    const claimed = await Promise.all(rounds.mock.results.map((r) => r.value));
    expect(claimed.every((n) => n === 0)).toBe(true);
    expect(new Set(probe.payloads().map((p) => p.id)).size).toBe(20);
  });

  it('wakes the relay right after the commit when it publishes instead (dispatch off)', async () => {
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      txmsg: { relay: { pollIntervalMs: 600_000, dispatchOnCommit: false } },
    });
    // Let the relay's first (empty) round pass so only a wake-up can publish the message.
    await new Promise((resolve) => setImmediate(resolve));
    await app.get(ThingService).create('w1', 'fast');
    await waitFor(() => probe.received.length === 1, { timeoutMs: 5000, description: 'woken publish' });
  });

  it('delivers a message committed while the relay was down once a relay runs again', async () => {
    app = await startTestApp({ database: db.name, uri: vhost.uri });
    await app.get(OutboxRelay, { strict: false }).stop();
    await app.get(ThingService).create('c1', 'crash');
    expect(await outboxRows('READY')).toHaveLength(1);
    await app.close(); // the process "dies" between commit and publish
    app = await startTestApp({ database: db.name, uri: vhost.uri });
    await waitFor(() => probe.received.length === 1, { description: 'delivered after restart' });
    expect(probe.payloads()[0].id).toBe('c1');
  });

  it('keeps a message no queue is bound for and delivers it once its consumer starts', async () => {
    await probe.close(); // no watcher: nothing is bound to the exchange
    app = await startTestApp({ database: db.name, uri: vhost.uri });
    await app.get(ThingService).create('u1', 'early');
    await waitFor(
      async () => {
        const [row] = await sql(`SELECT status, attempts, last_error FROM txmsg_outbox`, [], db.name);
        return row.status === 'READY' && row.attempts >= 1 && /no queue is bound/.test(row.last_error);
      },
      { description: 'publish refused as unroutable, row kept' },
    );
    await app.close();
    // The consumer's service starts for the first time: its queue and binding appear.
    app = await startTestApp({ database: db.name, uri: vhost.uri, consumer: true });
    const consumer = app.get(ThingConsumer);
    await waitFor(() => consumer.deliveries.length === 1, { description: 'delivered to the new consumer' });
    expect(consumer.deliveries[0].id).toBe('u1');
    // The relay marks the row once the broker confirms, which may come after the delivery.
    await waitFor(async () => (await outboxRows('PUBLISHED')).length === 1, { description: 'marked published' });
    probe = await BrokerProbe.open(vhost.uri);
    expect(await probe.queueDepth(THINGS_QUEUE)).toBe(0);
  });

  it('publishes each row once with two relays on one outbox', async () => {
    const host = await startTestApp({ database: db.name, uri: vhost.uri });
    app = host;
    await host.get(OutboxRelay, { strict: false }).stop();
    const things = host.get(ThingService);
    for (let i = 0; i < 300; i++) await things.create(`m${i}`, 'bulk');
    // Both relays' first leases start together (each waits for the other's), so they compete for
    // the same rows whatever the load: left to chance, one relay may lease all 300 before the
    // other's first query runs, and the test would prove nothing about two relays.
    const store = host.get(OutboxStore);
    let arrived = 0;
    let bothArrived!: () => void;
    const together = new Promise<void>((resolve) => (bothArrived = resolve));
    const relayWithGatedFirstLease = () => {
      let first = true;
      const gated: OutboxStore = Object.create(store);
      gated.leaseReady = async (limit, leaseMs) => {
        if (first) {
          first = false;
          if (++arrived === 2) bothArrived();
          await together;
        }
        return store.leaseReady(limit, leaseMs);
      };
      return new OutboxRelay(
        gated,
        host.get(OutboxPublisher),
        host.get(TransactionHooks),
        host.get<ResolvedTxMsgOptions>(TXMSG_OPTIONS, { strict: false }),
      );
    };
    const drain = async (r: OutboxRelay) => {
      let claimed = 0;
      while ((await sql("SELECT 1 FROM txmsg_outbox WHERE status = 'READY' LIMIT 1", [], db.name)).length > 0) {
        claimed += await r.relayOnce();
      }
      return claimed;
    };
    const [a, b] = await Promise.all([drain(relayWithGatedFirstLease()), drain(relayWithGatedFirstLease())]);
    await waitFor(() => probe.received.length >= 300, { description: '300 messages' });
    const ids = probe.payloads().map((p) => p.id);
    expect(new Set(ids).size).toBe(300);
    expect(ids).toHaveLength(300);
    expect(a + b).toBe(300);
  });
});

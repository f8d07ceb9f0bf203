import type { INestApplication } from '@nestjs/common';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { ConfirmedPublisher, UnroutableMessageError } from '../src/broker/confirmed-publisher';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, THING_HAPPENED, ThingService } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

describe('Publishing with confirms: timeouts and nacks', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let proxy: TcpProxy;
  let probe: BrokerProbe;
  let app: INestApplication | undefined;

  // One database and vhost for the file (creating a vhost takes seconds); each test starts its
  // own application, proxy and probe, and begins with an empty outbox.
  beforeAll(async () => {
    db = await createTestDatabase('publisher');
    vhost = await createVhost('publisher');
  });

  afterAll(async () => {
    await vhost.remove();
    await db.drop();
  });

  beforeEach(async () => {
    proxy = await TcpProxy.start('127.0.0.1', 5672);
    probe = await BrokerProbe.open(vhost.uri);
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await probe.close();
    await proxy.close();
    await sql('DELETE FROM txmsg_outbox', [], db.name);
  });

  /** The application reaches the broker only through the proxy; the probe goes straight to it. */
  const start = (publishTimeoutMs: number) =>
    startTestApp({
      database: db.name,
      uri: `amqp://guest:guest@127.0.0.1:${proxy.port}/${vhost.vhost}`,
      txmsg: { relay: { publishTimeoutMs, retryBaseMs: 100, retryMaxMs: 200, pollIntervalMs: 100 } },
    });
  const outbox = async () =>
    (
      await sql<{ status: string; attempts: number; last_error: string | null }[]>(
        'SELECT status, attempts, last_error FROM txmsg_outbox',
        [],
        db.name,
      )
    )[0];

  it('forgets a publish that timed out, so a late return never marks the next publish of the same message', async () => {
    app = await start(1000);
    const publisher = app.get(ConfirmedPublisher);
    const body = Buffer.from('{"id":"late"}');
    const routingKey = 'test.late.returned';
    // The publisher's channel opens on its first publish: open it before the network slows down.
    await expect(publisher.publish(EXCHANGE, routingKey, body, { messageId: 'warm-up' })).rejects.toThrow(
      UnroutableMessageError,
    );
    // The first publish is unroutable, and its return and confirm come only after it timed out.
    proxy.slow(1300);
    await expect(publisher.publish(EXCHANGE, routingKey, body, { messageId: 'same-id' })).rejects.toThrow('timeout');
    proxy.heal();
    // Frames keep their order on a channel: once a publish behind it is answered, the late return
    // of the first one has been handled too.
    await waitFor(
      () =>
        publisher.publish(EXCHANGE, routingKey, body, { messageId: 'marker' }).then(
          () => false,
          (error) => error instanceof UnroutableMessageError,
        ),
      { timeoutMs: 10_000, description: 'the late return handled' },
    );
    expect(publisher.pending).toBe(0);

    // The same message again, now that a queue is bound: sent, not mislabelled unroutable.
    await probe.watch(EXCHANGE, routingKey);
    await publisher.publish(EXCHANGE, routingKey, body, { messageId: 'same-id' });
    await waitFor(() => probe.received.length === 1, { description: 'delivered' });
    expect(probe.received[0].properties.messageId).toBe('same-id');
    expect(publisher.pending).toBe(0);
  });

  it('reports a broker nack as a failure and leaves nothing behind', async () => {
    app = await start(3000);
    const publisher = app.get(ConfirmedPublisher);
    const allow = await probe.rejectAll(EXCHANGE);
    await expect(
      publisher.publish(EXCHANGE, THING_HAPPENED, Buffer.from('{}'), { messageId: 'nacked' }),
    ).rejects.toThrow(/nack/i);
    expect(publisher.pending).toBe(0);
    await allow();
    await probe.watch(EXCHANGE, THING_HAPPENED);
    await publisher.publish(EXCHANGE, THING_HAPPENED, Buffer.from('{}'), { messageId: 'nacked' });
    await waitFor(() => probe.received.length === 1, { description: 'delivered' });
  });

  it('keeps a message the broker nacked READY with its error, and publishes it once the broker accepts it', async () => {
    app = await start(3000);
    const allow = await probe.rejectAll(EXCHANGE);
    await app.get(ThingService).create('n1', 'nacked');
    await waitFor(
      async () => {
        const row = await outbox();
        return row.status === 'READY' && row.attempts >= 1 && /nack/i.test(row.last_error ?? '');
      },
      { description: 'publish refused by a nack, row kept' },
    );
    expect(probe.received).toHaveLength(0);

    await allow();
    await probe.watch(EXCHANGE, THING_HAPPENED);
    await waitFor(async () => (await outbox()).status === 'PUBLISHED', { description: 'published by the relay' });
    await waitFor(() => probe.received.length >= 1, { description: 'delivered' });
    expect(probe.payloads().map((p) => p.id)).toEqual(['n1']);
  });

  it('keeps a message whose confirm came too late READY with its error, and publishes it again', async () => {
    app = await start(1000);
    await probe.watch(EXCHANGE, THING_HAPPENED);
    const things = app.get(ThingService);
    await things.create('warm-up', 'opens the publisher channel at full speed');
    await waitFor(() => probe.received.length === 1, { description: 'warm-up delivered' });
    await sql('DELETE FROM txmsg_outbox', [], db.name);

    // The broker gets the message and routes it, but its confirm arrives after the timeout.
    proxy.slow(1300);
    await things.create('late', 'confirmed too late');
    await waitFor(
      async () => {
        const row = await outbox();
        return row?.status === 'READY' && row.attempts >= 1 && /timeout/i.test(row.last_error ?? '');
      },
      { description: 'confirm timed out, row kept' },
    );

    proxy.heal();
    await waitFor(async () => (await outbox()).status === 'PUBLISHED', {
      timeoutMs: 15_000,
      description: 'published again',
    });
    // At least once: the copy that was confirmed too late, and the one published again.
    const copies = () => probe.received.filter((m) => JSON.parse(m.content.toString()).id === 'late');
    await waitFor(() => copies().length >= 2, { description: 'both copies delivered' });
    expect(new Set(copies().map((m) => m.properties.messageId)).size).toBe(1);
    expect(app.get(ConfirmedPublisher).pending).toBe(0);
  });

  it('keeps a message whose confirm timed out READY with its error, and publishes it once the broker is back', async () => {
    app = await start(500);
    await probe.watch(EXCHANGE, THING_HAPPENED);
    proxy.cut();
    await app.get(ThingService).create('t1', 'timed out');
    await waitFor(
      async () => {
        const row = await outbox();
        return row.status === 'READY' && row.attempts >= 1 && /timeout/i.test(row.last_error ?? '');
      },
      { description: 'publish timed out, row kept' },
    );
    expect(probe.received).toHaveLength(0);

    proxy.heal();
    await waitFor(async () => (await outbox()).status === 'PUBLISHED', {
      timeoutMs: 15_000,
      description: 'published after reconnect',
    });
    await waitFor(() => probe.received.length >= 1, { description: 'delivered' });
    expect(new Set(probe.payloads().map((p) => p.id))).toEqual(new Set(['t1']));
    expect(app.get(ConfirmedPublisher).pending).toBe(0);
  });
});

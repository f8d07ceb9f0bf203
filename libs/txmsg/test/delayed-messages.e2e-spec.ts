import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { INestApplication } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import request from 'supertest';
import { InvalidDelayError, Outbox } from '../src';
import { OutboxRelay } from '../src/outbox/outbox-relay';
import { OutboxStore } from '../src/store/outbox-store';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, THING_HAPPENED, ThingHappened } from './support/fixtures';
import { createTestDatabase, createVhost, dialect, sql } from './support/infra';
import { BrokerProbe } from './support/probe';
import { sampleOf } from './support/scrape';

/** How late a delayed message may be published, after its due time, while its writer runs. */
const ON_TIME_MS = 500;
/** How late when another instance takes it over (it looks up the next due time every second). */
const TAKEN_OVER_MS = 1500;
/** A poll so slow that only the delayed release's own timer and lookups can be what publishes. */
const NO_POLL = { pollIntervalMs: 600_000 };

describe('Delayed messages', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  const apps: INestApplication[] = [];
  let probe: BrokerProbe;
  /** When each message id first reached the probe. */
  let arrivedAt: Map<string, number>;

  beforeEach(async () => {
    db = await createTestDatabase('delayed');
    vhost = await createVhost('delayed');
    probe = await BrokerProbe.open(vhost.uri);
    await probe.watch(EXCHANGE, '#');
    arrivedAt = new Map();
    const push = probe.received.push.bind(probe.received);
    probe.received.push = (...messages: ConsumeMessage[]) => {
      for (const m of messages)
        if (!arrivedAt.has(m.properties.messageId)) arrivedAt.set(m.properties.messageId, Date.now());
      return push(...messages);
    };
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await probe.close();
    await vhost.remove();
    await db.drop();
  });

  const start = async (txmsg: Parameters<typeof startTestApp>[0]['txmsg'] = { relay: NO_POLL }, listen = false) => {
    const app = await startTestApp({ database: db.name, uri: vhost.uri, txmsg, listen });
    apps.push(app);
    return app;
  };

  /** Publishes a ThingHappened with `options` in a transaction of `app` (rolled back when `rollback`). */
  const publish = async (
    app: INestApplication,
    id: string,
    options: Parameters<Outbox['publish']>[1],
    rollback = false,
  ): Promise<string> => {
    const txHost = app.get(TransactionHost);
    let messageId = '';
    await txHost
      .withTransaction(async () => {
        messageId = await app.get(Outbox).publish(new ThingHappened(id, 'later'), options);
        if (rollback) throw new Error('rolled back on purpose');
      })
      .catch((error: Error) => {
        if (!rollback) throw error;
      });
    return messageId;
  };

  const statusOf = async (messageId: string) => {
    const rows = await sql<{ status: string }[]>(
      'SELECT status FROM txmsg_outbox WHERE message_id = ?',
      [messageId],
      db.name,
    );
    return rows[0]?.status;
  };

  const arrived = (messageId: string) =>
    waitFor(() => arrivedAt.get(messageId), {
      timeoutMs: 15_000,
      intervalMs: 10,
      description: `message ${messageId} published`,
    });

  it('holds a delayed message in the outbox at commit and publishes it within half a second of its due time', async () => {
    const app = await start();
    const written = Date.now();
    const id = await publish(app, 'd1', { delayMs: 1500 });
    expect(await statusOf(id)).toBe('SCHEDULED');

    const at = await arrived(id);
    expect(at - written).toBeGreaterThanOrEqual(1500 - 20);
    expect(at - written).toBeLessThan(1500 + ON_TIME_MS);
    expect(JSON.parse(probe.received[0].content.toString())).toEqual({ id: 'd1', note: 'later' });
    await waitFor(async () => (await statusOf(id)) === 'PUBLISHED', { description: 'marked published' });
    expect(probe.received.map((m) => m.fields.routingKey)).toEqual([THING_HAPPENED]);
  });

  it('publishes at a due time given as a Date, and at once for one already past', async () => {
    const app = await start();
    const dueAt = new Date(Date.now() + 1200);
    const later = await publish(app, 'at', { dueAt });
    const past = await publish(app, 'past', { dueAt: new Date(Date.now() - 60_000) });

    expect(await arrived(past)).toBeLessThan(dueAt.getTime());
    const at = await arrived(later);
    expect(at).toBeGreaterThanOrEqual(dueAt.getTime() - 20);
    expect(at).toBeLessThan(dueAt.getTime() + ON_TIME_MS);
  });

  it('leaves nothing when the transaction that wrote the delayed message rolls back', async () => {
    const app = await start();
    const doomed = await publish(app, 'doomed', { delayMs: 200 }, true);
    const kept = await publish(app, 'kept', { delayMs: 400 });
    await arrived(kept);
    expect(await statusOf(doomed)).toBeUndefined();
    expect(probe.payloads().map((p) => p.id)).toEqual(['kept']);
  });

  it('is published by another instance, started after its writer stopped, within a second and a half of its due time', async () => {
    const writer = await start();
    const written = Date.now();
    const ids = await Promise.all([1500, 2500, 3500].map((ms, i) => publish(writer, `t${i}`, { delayMs: ms })));
    await writer.close();
    apps.splice(apps.indexOf(writer), 1);

    await start(); // knows of the messages only from the database
    for (const [i, ms] of [1500, 2500, 3500].entries()) {
      const late = (await arrived(ids[i])) - (written + ms);
      expect(late).toBeGreaterThanOrEqual(-20);
      expect(late).toBeLessThan(TAKEN_OVER_MS);
    }
  });

  it('never publishes a cancelled message; a cancel inside a transaction that rolls back is undone', async () => {
    const app = await start();
    const outbox = app.get(Outbox);
    const txHost = app.get(TransactionHost);
    const cancelled = await publish(app, 'cancelled', { delayMs: 800 });
    const undone = await publish(app, 'undone', { delayMs: 800 });
    const sentinel = await publish(app, 'sentinel', { delayMs: 1600 });

    await expect(outbox.cancel(cancelled)).resolves.toBe(true);
    await expect(outbox.cancel(cancelled)).resolves.toBe(false); // once
    await expect(
      txHost.withTransaction(async () => {
        expect(await outbox.cancel(undone)).toBe(true);
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');

    await arrived(undone);
    await arrived(sentinel); // due well after the cancelled one
    expect(arrivedAt.has(cancelled)).toBe(false);
    expect(await statusOf(cancelled)).toBe('CANCELLED');
    expect(
      probe
        .payloads()
        .map((p) => p.id)
        .sort(),
    ).toEqual(['sentinel', 'undone']);
  });

  it('cannot cancel a message that was published, was not delayed, or is unknown', async () => {
    const app = await start();
    const outbox = app.get(Outbox);
    const delayed = await publish(app, 'gone', { delayMs: 100 });
    const immediate = await publish(app, 'now', {});
    await arrived(delayed);
    await arrived(immediate);
    await expect(outbox.cancel(delayed)).resolves.toBe(false);
    await expect(outbox.cancel(immediate)).resolves.toBe(false);
    await expect(outbox.cancel('no-such-message')).resolves.toBe(false);
    expect(await statusOf(delayed)).toBe('PUBLISHED');
  });

  it('cancels inside the business transaction that decides it', async () => {
    const app = await start();
    const outbox = app.get(Outbox);
    const id = await publish(app, 'expire-order', { delayMs: 1000 });
    const txHost = app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
    await txHost.withTransaction(async () => {
      await txHost.tx.query(dialect.sql('INSERT INTO t_ledger (id, note) VALUES (?, ?)'), [
        'paid',
        'the order was paid: its expiry is cancelled',
      ]);
      expect(await outbox.cancel(id)).toBe(true);
    });
    const sentinel = await publish(app, 'sentinel', { delayMs: 1500 });
    await arrived(sentinel);
    expect(arrivedAt.has(id)).toBe(false);
  });

  it('refuses an invalid delay and writes nothing', async () => {
    const app = await start();
    for (const options of [{ delayMs: -1 }, { delayMs: 1, dueAt: new Date() }, { delayMs: 367 * 24 * 3600 * 1000 }]) {
      await expect(publish(app, 'bad', options)).rejects.toBeInstanceOf(InvalidDelayError);
    }
    expect(await sql('SELECT message_id FROM txmsg_outbox', [], db.name)).toEqual([]);
  });

  it('releases each due message once however many releases run at the same time (SKIP LOCKED), and publishes it once', async () => {
    // Several instances in one process break the broker client's global state: the releases race
    // here on separate pooled connections instead, as instances would on theirs.
    const app = await start({ relay: { ...NO_POLL, enabled: false } });
    const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => publish(app, `m${i}`, { delayMs: 300 })));
    const store = app.get(OutboxStore);
    let released = 0;
    await waitFor(
      async () => {
        const counts = await Promise.all(Array.from({ length: 4 }, () => store.releaseDue(7)));
        released += counts.reduce((a, b) => a + b, 0);
        return released >= 60;
      },
      { intervalMs: 20, description: 'all 60 released' },
    );
    expect(released).toBe(60);
    expect(await store.releaseDue(100)).toBe(0);
    app.get(OutboxRelay, { strict: false }).start();
    await waitFor(() => ids.every((id) => arrivedAt.has(id)), { description: 'all 60 published' });
    await waitFor(async () => (await store.countsByStatus()).PUBLISHED === 60, { description: 'all marked published' });
    expect(probe.received).toHaveLength(60);
  });

  it('shows delayed messages in the admin API and the metrics, and cancels one behind the admin token', async () => {
    const app = await start({ relay: NO_POLL, metrics: {} }, true);
    const id = await publish(app, 'listed', { delayMs: 60_000 });
    const server = app.getHttpServer();
    const auth = { authorization: 'Bearer test-admin-token' };

    const counts = await request(server).get('/txmsg/outbox').set(auth).expect(200);
    expect(counts.body).toMatchObject({ SCHEDULED: 1 });
    const listed = await request(server).get('/txmsg/outbox?status=SCHEDULED').set(auth).expect(200);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).toMatchObject({ messageId: id, status: 'SCHEDULED' });
    const dueIn = new Date(listed.body[0].nextAttemptAt).getTime() - Date.now();
    expect(dueIn).toBeGreaterThan(50_000);
    expect(dueIn).toBeLessThanOrEqual(60_000);

    const scrape = await request(server).get('/metrics').set(auth).expect(200);
    expect(sampleOf(scrape.text, 'txmsg_outbox_backlog', { status: 'SCHEDULED' })).toBe(1);

    await request(server).post(`/txmsg/outbox/${id}/cancel`).expect(401);
    await request(server).post('/txmsg/outbox/bad%20id/cancel').set(auth).expect(400);
    const cancelled = await request(server).post(`/txmsg/outbox/${id}/cancel`).set(auth).expect(200);
    expect(cancelled.body).toEqual({ cancelled: true });
    const again = await request(server).post(`/txmsg/outbox/${id}/cancel`).set(auth).expect(200);
    expect(again.body).toEqual({ cancelled: false });
    expect(await statusOf(id)).toBe('CANCELLED');
  });
});

import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { HttpNotifier, type ParkedMessageEvent } from '../src';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { FailureWatcher, FailureWatcherModule } from './support/failure-watcher';
import { EXCHANGE, NotifyingService, THING_HAPPENED, THINGS_QUEUE, ThingConsumer } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

/** A webhook receiver that always answers `status`, counting requests. */
async function answering(status: number) {
  let received = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/notify?token=secret`,
    received: () => received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('Failure hooks and receiver retry policies', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let probe: BrokerProbe;
  let watcher: FailureWatcher;
  let consumer: ThingConsumer;
  let down: Awaited<ReturnType<typeof answering>>;
  let short: Awaited<ReturnType<typeof answering>>;
  let picky: Awaited<ReturnType<typeof answering>>;

  beforeAll(async () => {
    [down, short, picky] = await Promise.all([answering(500), answering(500), answering(404)]);
    db = await createTestDatabase('hooks');
    vhost = await createVhost('hooks');
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      consumer: true,
      listen: true,
      modules: [FailureWatcherModule],
      txmsg: {
        notify: {
          secrets: { [down.origin]: 'down-key', [short.origin]: 'short-key', [picky.origin]: 'picky-key' },
          retryPolicies: {
            [short.origin]: { ladder: ['50ms'], maxAttempts: 2 },
            [picky.origin]: { retryOn: (failure, status) => failure !== 'http_status' || status! >= 500 },
          },
        },
      },
    });
    watcher = app.get(FailureWatcher);
    consumer = app.get(ThingConsumer);
    probe = await BrokerProbe.open(vhost.uri);
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await Promise.all([down, short, picky].map((r) => r?.close()));
    await vhost?.remove();
    await db?.drop();
  });

  const pendingHooks = async () =>
    Number((await sql('SELECT COUNT(*) AS n FROM txmsg_failure_hook', [], db.name))[0].n);
  const runs = async (hook: string, id: string) =>
    Number((await sql('SELECT times FROM t_effects WHERE k = ?', [`hook:${hook}:${id}`], db.name))[0]?.times ?? 0);
  const failureOf = async (messageId: string) =>
    (await sql<any[]>('SELECT * FROM txmsg_inbox_failure WHERE message_id = ?', [messageId], db.name))[0];
  const parkedFor = (messageId: string) =>
    watcher.parked.filter((e) => (e as ParkedMessageEvent).messageId === messageId) as ParkedMessageEvent[];

  it('runs the parked hook once per parked message, after the park committed, never for a redelivery of it', async () => {
    consumer.failures.set('u1', 'unrecoverable');
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'u1' }, { messageId: 'park-1' });
    await waitFor(() => parkedFor('park-1').length > 0, { description: 'parked hook ran' });
    const [event] = parkedFor('park-1');
    const row = await failureOf('park-1');
    expect(event).toMatchObject({
      outcome: 'parked',
      consumer: 'ThingConsumer.onThing',
      messageId: 'park-1',
      queue: THINGS_QUEUE,
      routingKey: THING_HAPPENED,
      reason: 'UNRECOVERABLE',
      attempts: 1,
      failureId: String(row.id),
    });
    expect(event.error).toContain('payload u1 is not acceptable');
    expect(event.parkedAt).toBeInstanceOf(Date);
    expect(watcher.seenAtHook.get(event.id)).toBe('PARKED'); // committed before the hook ran

    // The same message again: parked again, but it was parked already — no second announcement.
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'u1' }, { messageId: 'park-1' });
    await waitFor(async () => Number((await failureOf('park-1')).attempts) === 2, { description: 'parked again' });
    await waitFor(async () => (await pendingHooks()) === 0, { description: 'no announcement pending' });
    expect(parkedFor('park-1')).toHaveLength(1);
    expect(await runs('parked', event.id)).toBe(1);
    expect(watcher.exhausted.filter((e) => e.id === event.id)).toHaveLength(0);
  });

  it('announces a message that climbed the whole ladder as exhausted; a hook that throws runs again, the message stays requeueable', async () => {
    consumer.failures.set('x1', 99);
    watcher.flakyThrows = 2;
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'x1' }, { messageId: 'exhaust-1' });
    await waitFor(() => watcher.flaky.length === 3, { timeoutMs: 15_000, description: 'flaky hook ran 3 times' });
    await waitFor(async () => (await pendingHooks()) === 0, { description: 'announcement done' });
    const [event] = parkedFor('exhaust-1');
    expect(event).toMatchObject({ outcome: 'exhausted', reason: 'EXHAUSTED', attempts: 4 });
    // The flaky hook saw the same event each time; the hooks that returned were not run again.
    expect(watcher.flaky.map((e) => e.id)).toEqual([event.id, event.id, event.id]);
    expect(parkedFor('exhaust-1')).toHaveLength(1);
    expect(watcher.exhausted.filter((e) => e.id === event.id)).toHaveLength(1);
    expect(await runs('exhausted', event.id)).toBe(1);
    const hookless = await failureOf('exhaust-1');
    expect(hookless).toMatchObject({ status: 'PARKED', reason: 'EXHAUSTED' });

    consumer.failures.set('x1', 0);
    await request(app.getHttpServer())
      .post(`/txmsg/parked/${hookless.id}/requeue`)
      .set({ Authorization: 'Bearer test-admin-token' })
      .expect((res) => expect(res.status).toBeLessThan(300));
    await waitFor(async () => (await failureOf('exhaust-1')) === undefined, { description: 'requeued and applied' });
    // Applied once: the failed attempts rolled back with their effects.
    expect(Number((await sql('SELECT times FROM t_effects WHERE k = ?', ['thing:x1'], db.name))[0].times)).toBe(1);
  });

  it('runs the notification hook once per notification given up on, each receiver on its own policy', async () => {
    const record = (id: string, url: string) => app.get(NotifyingService).record(id, url);
    await record('on-ladder', down.url); // the notify ladder: 3 steps, 4 attempts
    await record('short', short.url); // its own: 2 attempts
    await record('picky', picky.url); // its own: a 404 is not retried
    const given = (subject: string) => watcher.notifications.filter((e) => 'subject' in e && e.subject === subject);
    await waitFor(() => ['on-ladder', 'short', 'picky'].every((s) => given(s).length > 0), {
      description: 'every notification announced',
    });
    await waitFor(async () => (await pendingHooks()) === 0, { description: 'announcements done' });
    const notifier = app.get(HttpNotifier);
    for (const [subject, attempts, receiver] of [
      ['on-ladder', 4, down],
      ['short', 2, short],
      ['picky', 1, picky],
    ] as const) {
      const [record] = await notifier.list(subject);
      expect(record.status).toBe('FAILED');
      expect(record.attempts).toHaveLength(attempts);
      expect(given(subject)).toHaveLength(1);
      expect(given(subject)[0]).toMatchObject({
        outcome: 'notification-exhausted',
        notificationId: record.id,
        target: `${receiver.origin}/notify?[redacted]`,
        type: 'test.thing.recorded',
        attempts,
        error: 'http_status',
      });
      expect(await runs('notification', given(subject)[0].id)).toBe(1);
    }
    expect([down.received(), short.received(), picky.received()]).toEqual([4, 2, 1]);
  });
});

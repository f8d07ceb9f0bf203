import type { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RetryScheduler } from '../src/consumer/retry-scheduler';
import { Housekeeper } from '../src/housekeeping/housekeeper';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { THINGS_QUEUE } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { SECONDS_AGO, SECONDS_AHEAD, storedBody } from './support/sql-fragments';

describe('Housekeeping', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('housekeeping');
    vhost = await createVhost('housekeeping');
    // Retention 60 s (FAST), batches of 2: every purge below takes several DELETEs. Lost retries
    // are sent again after 30 s (half the retention, by default).
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      consumer: true,
      txmsg: { relay: { enabled: false } },
    });
  });

  afterAll(async () => {
    await app.close();
    await vhost.remove();
    await db.drop();
  });

  const outbox = (id: string, status: string, finishedAgoSeconds: number | null) =>
    sql(
      `INSERT INTO txmsg_outbox (message_id, type, exchange, routing_key, payload, status, finished_at)
       VALUES (?, 't', 'txmsg.events', 't', '{}', ?, ${finishedAgoSeconds === null ? 'NULL' : SECONDS_AGO})`,
      finishedAgoSeconds === null ? [id, status] : [id, status, finishedAgoSeconds],
      db.name,
    );
  const dedup = (key: string, agoSeconds: number) =>
    sql(
      `INSERT INTO txmsg_dedup (consumer, dedup_key, processed_at) VALUES ('c', ?, ${SECONDS_AGO})`,
      [key, agoSeconds],
      db.name,
    );

  it('purges published, discarded and dedup rows past retention in small batches, and nothing else', async () => {
    for (let i = 0; i < 5; i++) await outbox(`old-pub-${i}`, 'PUBLISHED', 3600);
    await outbox('old-discarded', 'DISCARDED', 3600);
    await outbox('recent-pub', 'PUBLISHED', 10);
    await outbox('ready', 'READY', null);
    await outbox('prepared', 'PREPARED', null);
    for (let i = 0; i < 3; i++) await dedup(`old-${i}`, 3600);
    await dedup('recent', 10);

    expect(await app.get(Housekeeper, { strict: false }).purgeOnce()).toEqual({
      outbox: 6,
      dedup: 3,
      notifications: 0,
      notificationAttempts: 0,
    });

    const left = await sql<{ message_id: string }[]>(
      'SELECT message_id FROM txmsg_outbox ORDER BY message_id',
      [],
      db.name,
    );
    expect(left.map((r) => r.message_id)).toEqual(['prepared', 'ready', 'recent-pub']);
    expect(await sql('SELECT dedup_key FROM txmsg_dedup', [], db.name)).toEqual([{ dedup_key: 'recent' }]);
  });

  const notification = async (id: string, status: string, finishedAgoSeconds: number | null, attempts: number) => {
    await sql(
      // Not due for a day: the notifier leaves the pending one alone.
      `INSERT INTO txmsg_notification (notification_id, type, target_url, body, status, attempts, next_attempt_at, finished_at)
       VALUES (?, 't', 'http://127.0.0.1:9/', '{}', ?, ?, ${SECONDS_AHEAD}, ${finishedAgoSeconds === null ? 'NULL' : SECONDS_AGO})`,
      [id, status, attempts, 86_400, ...(finishedAgoSeconds === null ? [] : [finishedAgoSeconds])],
      db.name,
    );
    for (let i = 1; i <= attempts; i++) {
      await sql(
        'INSERT INTO txmsg_notification_attempt (notification_id, attempt, status_code, duration_ms) VALUES (?, ?, 500, 1)',
        [id, i],
        db.name,
      );
    }
  };

  it('purges delivered and failed notifications past retention with their attempts, in batches, and nothing else', async () => {
    for (let i = 0; i < 3; i++) await notification(`old-delivered-${i}`, 'DELIVERED', 3600, 2);
    await notification('old-failed', 'FAILED', 3600, 3);
    await notification('recent-delivered', 'DELIVERED', 10, 1);
    await notification('recent-failed', 'FAILED', 10, 2);
    await notification('pending', 'PENDING', null, 2);

    expect(await app.get(Housekeeper, { strict: false }).purgeOnce()).toMatchObject({
      notifications: 4,
      notificationAttempts: 9,
    });

    const left = await sql<{ notification_id: string }[]>(
      'SELECT notification_id FROM txmsg_notification ORDER BY notification_id',
      [],
      db.name,
    );
    expect(left.map((r) => r.notification_id)).toEqual(['pending', 'recent-delivered', 'recent-failed']);
    const attempts = await sql<{ notification_id: string; n: number }[]>(
      'SELECT notification_id, COUNT(*) AS n FROM txmsg_notification_attempt GROUP BY notification_id ORDER BY notification_id',
      [],
      db.name,
    );
    expect(attempts.map((r) => `${r.notification_id}:${r.n}`)).toEqual([
      'pending:2',
      'recent-delivered:1',
      'recent-failed:2',
    ]);
  });

  const dispatched = (consumer: string, messageId: string, queue: string, id: string, dispatchedAgoSeconds: number) =>
    sql(
      `INSERT INTO txmsg_inbox_failure
         (consumer, message_id, queue, exchange, routing_key, properties, body, payload_hash, attempts, status, next_attempt_at, updated_at)
       VALUES (?, ?, ?, 'txmsg.events', 'test.thing.happened', ?, ${storedBody('?')}, ?, 1, 'DISPATCHED',
               ${SECONDS_AGO}, ${SECONDS_AGO})`,
      [
        consumer,
        messageId,
        queue,
        JSON.stringify({ messageId, contentType: 'application/json', type: 'test.thing.happened' }),
        JSON.stringify({ id }),
        createHash('sha256').update(JSON.stringify({ id })).digest('hex'),
        dispatchedAgoSeconds,
        dispatchedAgoSeconds,
      ],
      db.name,
    );

  it('sends a retry that never came back from its queue again, and it is applied once', async () => {
    // Both were sent back to their queue and never came back (the queue was purged): one long
    // ago, one only seconds ago, which may still be on its way.
    await dispatched('ThingConsumer.onThing', 'lost-msg', THINGS_QUEUE, 'lost-1', 7200);
    await dispatched('ThingConsumer.onThing', 'recent-msg', THINGS_QUEUE, 'recent-1', 5);

    expect(await app.get(Housekeeper, { strict: false }).redispatchStale()).toBe(1);
    app.get(RetryScheduler, { strict: false }).wake();

    const effect = async (id: string) =>
      Number((await sql('SELECT times FROM t_effects WHERE k = ?', [`thing:${id}`], db.name))[0]?.times ?? 0);
    await waitFor(async () => (await effect('lost-1')) === 1, { description: 'the lost retry applied' });
    await waitFor(
      async () =>
        (await sql('SELECT 1 FROM txmsg_inbox_failure WHERE message_id = ?', ['lost-msg'], db.name)).length === 0,
      {
        description: 'its failure row cleared',
      },
    );
    expect(await sql('SELECT status FROM txmsg_inbox_failure WHERE message_id = ?', ['recent-msg'], db.name)).toEqual([
      { status: 'DISPATCHED' },
    ]);
    expect(await effect('recent-1')).toBe(0);
  });
});

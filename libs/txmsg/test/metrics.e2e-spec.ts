import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { TransactionProducer } from '../src';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { NotifyingService, ScriptedListener, ThingConsumer, ThingService, THING_HAPPENED } from './support/fixtures';
import { createTestDatabase, createVhost, DB, sql } from './support/infra';
import { sampleOf } from './support/scrape';

const scrapeOf = (app: INestApplication) => async () =>
  (await request(app.getHttpServer()).get('/metrics').expect(200)).text;

describe('Metrics read from the database at scrape time', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let proxy: TcpProxy;
  let app: INestApplication;
  let scrape: () => Promise<string>;

  beforeAll(async () => {
    db = await createTestDatabase('metrics');
    vhost = await createVhost('metrics');
    proxy = await TcpProxy.start(DB.host, DB.port);
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      dbPort: proxy.port,
      listen: true,
      txmsg: { relay: { enabled: false } },
    });
    scrape = scrapeOf(app);
  });

  afterAll(async () => {
    await proxy.up();
    await app.close();
    await proxy.close();
    await vhost.remove();
    await db.drop();
  });

  const value = (text: string, series: string) => sampleOf(text, series);
  const failure = (id: string, consumer: string, status: string, reason: string | null, ageSeconds: number) =>
    sql(
      `INSERT INTO txmsg_inbox_failure (consumer, message_id, queue, exchange, routing_key, properties, body, attempts,
         status, reason, next_attempt_at, created_at)
       VALUES (?, ?, 'q', 'txmsg.events', 't', '{}', '{}', 1, ?, ?, NOW(3) + INTERVAL 1 HOUR, NOW(3) - INTERVAL ? SECOND)`,
      [consumer, id, status, reason, ageSeconds],
      db.name,
    );

  it('reports the age of the oldest unpublished row and oldest retry, and parked messages by consumer and reason', async () => {
    let text = await scrape();
    // Nothing waiting: age 0, not absent, so "older than" alerts read a real value.
    expect(value(text, 'txmsg_outbox_oldest_unpublished_age_seconds')).toBe(0);
    expect(value(text, 'txmsg_inbox_retry_oldest_age_seconds')).toBeUndefined();
    expect(value(text, 'txmsg_inbox_parked')).toBeUndefined();

    await sql(
      `INSERT INTO txmsg_outbox (message_id, type, exchange, routing_key, payload, status, created_at) VALUES
         ('old', 't', 'txmsg.events', 't', '{}', 'READY', NOW(3) - INTERVAL 90 SECOND),
         ('new', 't', 'txmsg.events', 't', '{}', 'READY', NOW(3)),
         ('older-but-done', 't', 'txmsg.events', 't', '{}', 'PUBLISHED', NOW(3) - INTERVAL 1 DAY)`,
      [],
      db.name,
    );
    await failure('w1', 'billing', 'WAITING', null, 40);
    await failure('w2', 'billing', 'DISPATCHED', null, 20);
    await failure('p1', 'billing', 'PARKED', 'POISON', 3600);
    await failure('p2', 'billing', 'PARKED', 'POISON', 10);
    await failure('p3', 'shipping', 'PARKED', 'EXHAUSTED', 10);

    text = await scrape();
    const outboxAge = value(text, 'txmsg_outbox_oldest_unpublished_age_seconds')!;
    expect(outboxAge).toBeGreaterThanOrEqual(90);
    expect(outboxAge).toBeLessThan(3600);
    const retryAge = sampleOf(text, 'txmsg_inbox_retry_oldest_age_seconds', { consumer: 'billing' })!;
    expect(retryAge).toBeGreaterThanOrEqual(40);
    expect(retryAge).toBeLessThan(3600); // a parked message is not on the ladder
    expect(sampleOf(text, 'txmsg_inbox_parked', { consumer: 'billing', reason: 'POISON' })).toBe(2);
    expect(sampleOf(text, 'txmsg_inbox_parked', { consumer: 'shipping', reason: 'EXHAUSTED' })).toBe(1);
    expect(sampleOf(text, 'txmsg_outbox_backlog', { status: 'READY' })).toBe(2);
    expect(sampleOf(text, 'txmsg_metrics_query_errors_total', { query: 'inbox_parked' })).toBe(0);
  });

  it('counts a failing query by name and leaves only its gauges out', async () => {
    await sql('RENAME TABLE txmsg_notification TO txmsg_notification_away', [], db.name);
    try {
      const text = await scrape();
      expect(sampleOf(text, 'txmsg_metrics_query_errors_total', { query: 'notifications' })).toBe(1);
      expect(sampleOf(text, 'txmsg_metrics_query_errors_total', { query: 'outbox_backlog' })).toBe(0);
      expect(value(text, 'txmsg_backlog_up')).toBe(0);
      expect(text).not.toMatch(/^txmsg_notifications\{/m);
      expect(sampleOf(text, 'txmsg_outbox_backlog', { status: 'READY' })).toBe(2);
    } finally {
      await sql('RENAME TABLE txmsg_notification_away TO txmsg_notification', [], db.name);
    }
    const text = await scrape();
    expect(value(text, 'txmsg_backlog_up')).toBe(1);
    expect(sampleOf(text, 'txmsg_metrics_query_errors_total', { query: 'notifications' })).toBe(1);
  });

  it('reports the backlog as unknown, never as empty, while the database is down, and recovers', async () => {
    let text = await scrape();
    const errorsBefore = value(text, 'txmsg_backlog_read_errors_total')!;
    expect(value(text, 'txmsg_backlog_up')).toBe(1);

    await proxy.down();
    text = await scrape();
    expect(value(text, 'txmsg_backlog_up')).toBe(0);
    expect(value(text, 'txmsg_backlog_read_errors_total')).toBe(errorsBefore + 1);
    expect(sampleOf(text, 'txmsg_metrics_query_errors_total', { query: 'outbox_oldest' })).toBe(1);
    // No database series at all: an alert on a threshold cannot read "no backlog" here.
    expect(text).not.toMatch(/^txmsg_(outbox_backlog|outbox_oldest\w*|inbox_\w+|notifications)[{ ]/m);
    // What does not come from the database is still served.
    expect(text).toContain('process_resident_memory_bytes');

    await proxy.up();
    await waitFor(async () => value(await scrape(), 'txmsg_backlog_up') === 1, { description: 'backlog read again' });
    text = await scrape();
    expect(sampleOf(text, 'txmsg_outbox_backlog', { status: 'READY' })).toBe(2);
    expect(value(text, 'txmsg_backlog_read_errors_total')).toBeGreaterThanOrEqual(errorsBefore + 1);
  });
});

describe('Metrics counted as things happen', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let receiver: Server;
  let origin: string;
  let scrape: () => Promise<string>;
  /** Waits until the scrape's series `name` with `labels` reaches `atLeast`; returns the scrape. */
  const reaches = async (name: string, labels: Record<string, string>, atLeast: number) => {
    let text = '';
    await waitFor(async () => (sampleOf((text = await scrape()), name, labels) ?? 0) >= atLeast, {
      description: `${name}${JSON.stringify(labels)} >= ${atLeast}`,
    });
    return text;
  };

  beforeAll(async () => {
    // A receiver that accepts /ok and answers 500 to anything else.
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = req.url?.startsWith('/ok') ? 200 : 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    db = await createTestDatabase('metrics_live');
    vhost = await createVhost('metrics_live');
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      listen: true,
      consumer: true,
      txmsg: { notify: { secrets: { [origin]: 'metrics-receiver-key' } } },
    });
    scrape = scrapeOf(app);
  });

  afterAll(async () => {
    await app?.close();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await vhost?.remove();
    await db?.drop();
  });

  it('counts publishes with their lag, consumer retries and parks', async () => {
    const consumer = app.get(ThingConsumer);
    // Twice: group commit may run it in a batch first, whose failure is retried alone at once.
    consumer.failures.set('retried', 2);
    consumer.failures.set('refused', 'unrecoverable');
    const things = app.get(ThingService);
    await things.create('plain', 'n');
    await things.create('retried', 'n');
    await things.create('refused', 'n');

    let text = await reaches('txmsg_outbox_published_total', { routing_key: THING_HAPPENED }, 3);
    expect(sampleOf(text, 'txmsg_outbox_delivery_lag_seconds_count')).toBeGreaterThanOrEqual(3);
    expect(sampleOf(text, 'txmsg_outbox_delivery_lag_seconds_bucket', { le: '+Inf' })).toBeGreaterThanOrEqual(3);
    expect(sampleOf(text, 'txmsg_outbox_publish_failures_total', { reason: 'unroutable' })).toBe(0);

    await reaches('txmsg_consumer_messages_total', { outcome: 'applied' }, 2);
    await reaches('txmsg_consumer_messages_total', { outcome: 'retry' }, 1);
    text = await reaches('txmsg_inbox_parked', { reason: 'UNRECOVERABLE' }, 1);
    expect(sampleOf(text, 'txmsg_consumer_messages_total', { outcome: 'parked' })).toBe(1);
    expect(sampleOf(text, 'txmsg_outbox_oldest_unpublished_age_seconds')).toBe(0);
  });

  it('counts check-back answers: commit, rollback, unknown and error', async () => {
    const listener = app.get(ScriptedListener);
    listener.checkAnswers.set('later', ['UNKNOWN', 'COMMIT']);
    listener.checkAnswers.set('never', ['ROLLBACK']);
    const producer = app.get(TransactionProducer);
    await producer.sendMessageInTransaction('test-group', THING_HAPPENED, { id: 'later' }, { execute: 'UNKNOWN' });
    await producer.sendMessageInTransaction('test-group', THING_HAPPENED, { id: 'never' }, { execute: 'UNKNOWN' });
    // A half message of a group with no listener in this application.
    await sql(
      `INSERT INTO txmsg_outbox (message_id, type, exchange, routing_key, payload, status, tx_group)
       VALUES ('orphan', 't', 'txmsg.events', 't', '{}', 'PREPARED', 'nobody-listens')`,
      [],
      db.name,
    );
    await reaches('txmsg_check_back_total', { outcome: 'commit' }, 1);
    await reaches('txmsg_check_back_total', { outcome: 'rollback' }, 1);
    await reaches('txmsg_check_back_total', { outcome: 'unknown' }, 1);
    await reaches('txmsg_check_back_total', { outcome: 'error' }, 1);
  });

  it('counts notification outcomes by receiver origin, never by path or query', async () => {
    const notifying = app.get(NotifyingService);
    await notifying.record('notified-ok', `${origin}/ok/orders/1?token=secret`);
    await notifying.record('notified-failing', `${origin}/fail/orders/2?token=secret`);
    await reaches('txmsg_notification_attempts_total', { outcome: 'delivered', origin }, 1);
    // The ladder is three rungs in tests: four attempts, the last gives up.
    const text = await reaches('txmsg_notification_attempts_total', { outcome: 'gave_up', origin }, 1);
    expect(sampleOf(text, 'txmsg_notification_attempts_total', { outcome: 'failed', origin })).toBe(3);
    expect(text).not.toMatch(/token=secret|\/orders\//);
    await reaches('txmsg_notifications', { status: 'FAILED' }, 1);
  });
});

import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { DataSource, EntitySubscriberInterface } from 'typeorm';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { TransactionProducer } from '../src';
import { TxMsgMetrics } from '../src/metrics/txmsg-metrics';
import { SCRAPE_QUERY_NAMES } from '../src/metrics/scrape-queries';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { NotifyingService, ScriptedListener, ThingConsumer, ThingService, THING_HAPPENED } from './support/fixtures';
import { createTestDatabase, createVhost, DB, sql } from './support/infra';
import { sampleOf } from './support/scrape';
import { SECONDS_AGO, SECONDS_AHEAD } from './support/sql-fragments';

const scrapeOf = (app: INestApplication) => async () =>
  (await request(app.getHttpServer()).get('/metrics').expect(200)).text;

/**
 * Counts, by query, the statements of the database gauges that the application's DataSource sends
 * to the database from now on (a TypeORM subscriber sees every statement just before the driver runs it).
 */
function countGaugeStatements(app: INestApplication) {
  const statements = app.get(TxMsgMetrics, { strict: false }).gaugeStatements;
  const names = new Map<string, string>(Object.entries(statements).map(([name, sql]) => [sql, name]));
  const byQuery = new Map<string, number>();
  const subscriber: EntitySubscriberInterface = {
    beforeQuery: ({ query }) => {
      const name = names.get(query);
      if (name !== undefined) byQuery.set(name, (byQuery.get(name) ?? 0) + 1);
    },
  };
  const subscribers = app.get<DataSource>(getDataSourceToken()).subscribers;
  subscribers.push(subscriber);
  return {
    byQuery,
    total: () => [...byQuery.values()].reduce((sum, n) => sum + n, 0),
    stop: () => subscribers.splice(subscribers.indexOf(subscriber), 1),
  };
}

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
      // Every scrape reads afresh: these tests change the tables between two scrapes.
      txmsg: { relay: { enabled: false }, metrics: { readIntervalMs: 1 } },
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
       VALUES (?, ?, 'q', 'txmsg.events', 't', '{}', '{}', 1, ?, ?, ${SECONDS_AHEAD}, ${SECONDS_AGO})`,
      [consumer, id, status, reason, 3600, ageSeconds],
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
         ('old', 't', 'txmsg.events', 't', '{}', 'READY', ${SECONDS_AGO}),
         ('new', 't', 'txmsg.events', 't', '{}', 'READY', ${SECONDS_AGO}),
         ('older-but-done', 't', 'txmsg.events', 't', '{}', 'PUBLISHED', ${SECONDS_AGO})`,
      [90, 0, 86_400],
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
    await sql('ALTER TABLE txmsg_notification RENAME TO txmsg_notification_away', [], db.name);
    try {
      const text = await scrape();
      expect(sampleOf(text, 'txmsg_metrics_query_errors_total', { query: 'notifications' })).toBe(1);
      expect(sampleOf(text, 'txmsg_metrics_query_errors_total', { query: 'outbox_backlog' })).toBe(0);
      expect(value(text, 'txmsg_backlog_up')).toBe(0);
      expect(text).not.toMatch(/^txmsg_notifications\{/m);
      expect(sampleOf(text, 'txmsg_outbox_backlog', { status: 'READY' })).toBe(2);
    } finally {
      await sql('ALTER TABLE txmsg_notification_away RENAME TO txmsg_notification', [], db.name);
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

  it('serves one read to every scrape that arrives while it runs', async () => {
    const statements = countGaugeStatements(app);
    proxy.slow(300); // each read now takes over half a second
    try {
      const texts = await Promise.all(Array.from({ length: 40 }, () => scrape()));
      expect(texts.map((text) => value(text, 'txmsg_backlog_up'))).toEqual(Array(40).fill(1));
      expect(texts.map((text) => sampleOf(text, 'txmsg_outbox_backlog', { status: 'READY' }))).toEqual(
        Array(40).fill(2),
      );
    } finally {
      proxy.heal();
      statements.stop();
    }
    // One read: each of the six queries once, not once per scrape.
    expect(Object.fromEntries(statements.byQuery)).toEqual(
      Object.fromEntries(SCRAPE_QUERY_NAMES.map((name) => [name, 1])),
    );
  });
});

describe('The metrics endpoint under a flood of scrapes', () => {
  const TOKEN = 'metrics-scrape-token';
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  const scrapeWith = (headers: Record<string, string>) => request(app.getHttpServer()).get('/metrics').set(headers);
  const scrape = async () => (await scrapeWith({ authorization: `Bearer ${TOKEN}` }).expect(200)).text;

  beforeAll(async () => {
    db = await createTestDatabase('metrics_flood');
    vhost = await createVhost('metrics_flood');
    // The default read interval (5 s), behind a token.
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      listen: true,
      txmsg: { relay: { enabled: false }, metrics: { token: TOKEN } },
    });
  });

  afterAll(async () => {
    await app?.close();
    await vhost?.remove();
    await db?.drop();
  });

  it('reads the database gauges at most once per interval, however often and however concurrently scraped', async () => {
    // First in this app: the first scrapes find no read yet, and arrive 30 at once.
    const statements = countGaugeStatements(app);
    const started = Date.now();
    let scrapes = 0;
    try {
      // 300 scrapes, 30 at a time.
      await Promise.all(
        Array.from({ length: 30 }, async () => {
          for (let i = 0; i < 10; i++) {
            expect(sampleOf(await scrape(), 'txmsg_backlog_up')).toBe(1);
            scrapes++;
          }
        }),
      );
    } finally {
      statements.stop();
    }
    const elapsedMs = Date.now() - started;
    expect(scrapes).toBe(300);
    expect(elapsedMs).toBeLessThan(10_000);
    // A read is one statement per query; at most one read per 5 s window (plus the one under way at the start).
    const reads = statements.total() / SCRAPE_QUERY_NAMES.length;
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(1 + Math.floor(elapsedMs / 5000));
    // The counter counts these statements: each query ran, as often as the others.
    for (const name of SCRAPE_QUERY_NAMES) expect(statements.byQuery.get(name)).toBe(reads);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer wrong' }],
    ['a wrong token of the same length', { authorization: `Bearer ${TOKEN.slice(0, -1)}X` }],
    ['the token with a suffix', { authorization: `Bearer ${TOKEN}x` }],
    ['an empty bearer token', { authorization: 'Bearer ' }],
    ['the token without "Bearer "', { authorization: TOKEN }],
    ['the token as Basic credentials', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
  ])('answers a scrape with %s 401, reading nothing', async (_, headers) => {
    const statements = countGaugeStatements(app);
    try {
      const { body, text } = await scrapeWith(headers).expect(401);
      expect(body).toMatchObject({ statusCode: 401, message: 'a valid metrics bearer token is required' });
      expect(text).not.toContain('txmsg_');
    } finally {
      statements.stop();
    }
    expect(statements.total()).toBe(0);
  });

  it('serves the scrape with the token', async () => {
    const text = await scrape();
    expect(text).toContain('txmsg_backlog_up{service="test-svc"} 1');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('serves the last read until the interval has passed, then what changed', async () => {
    const backlog = async () => sampleOf(await scrape(), 'txmsg_outbox_backlog', { status: 'READY' }) ?? 0;
    const statements = countGaugeStatements(app);
    try {
      // Start right after a read, so that the next scrapes fall within its interval.
      let before = 0;
      await waitFor(async () => ((before = await backlog()), statements.total() > 0), { description: 'a fresh read' });
      expect(statements.total()).toBe(SCRAPE_QUERY_NAMES.length);
      await sql(
        `INSERT INTO txmsg_outbox (message_id, type, exchange, routing_key, payload, status)
         VALUES ('flood-1', 't', 'txmsg.events', 't', '{}', 'READY')`,
        [],
        db.name,
      );
      expect(await backlog()).toBe(before);
      await waitFor(async () => (await backlog()) === before + 1, {
        timeoutMs: 15_000,
        description: 'the new row, read once the interval passed',
      });
      expect(statements.total()).toBe(2 * SCRAPE_QUERY_NAMES.length);
    } finally {
      statements.stop();
    }
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

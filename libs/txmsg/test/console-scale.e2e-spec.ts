import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { waitFor } from '../src/testing';
import { consolePages } from './support/console-pages';
import { startTestApp } from './support/app';
import { EXCHANGE, THING_HAPPENED, ThingConsumer } from './support/fixtures';
import { createTestDatabase, createVhost, dialect, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

const TOKEN = 'test-admin-token';
const BASE = '/txmsg/console';
const ROWS = 100_000;
const PAGE_BUDGET_MS = 1000;

/**
 * What one parked row is cloned into: 1 row in 100 (999 of them) under another consumer, so there
 * are two groups; and 1 in 10 (9999: those 999 and 9000 of the first consumer) parked as FORGED,
 * so a reason filter has rows on both sides of it.
 */
const COLUMNS =
  'consumer, message_id, payload_hash, queue, exchange, routing_key, properties, body, body_size, attempts, status, reason, next_attempt_at, last_error, error_class, fingerprint';
const CLONED = (n: string) =>
  `CASE WHEN ${n} % 100 = 0 THEN 'other-consumer' ELSE f.consumer END, ${dialect.name === 'postgres' ? `'scale-' || ${n}` : `CONCAT('scale-', ${n})`},
   f.payload_hash, f.queue, f.exchange, f.routing_key, f.properties, f.body, f.body_size, f.attempts, f.status,
   CASE WHEN ${n} % 10 = 0 THEN 'FORGED' ELSE f.reason END,
   f.next_attempt_at, f.last_error, f.error_class, f.fingerprint`;
const CLONE =
  dialect.name === 'postgres'
    ? `INSERT INTO txmsg_inbox_failure (${COLUMNS}) SELECT ${CLONED('s.n')} FROM txmsg_inbox_failure f, generate_series(1, ${ROWS - 1}) AS s(n) WHERE f.message_id = 'seed-msg'`
    : `INSERT INTO txmsg_inbox_failure (${COLUMNS}) SELECT ${CLONED('s.seq')} FROM txmsg_inbox_failure f, seq_1_to_${ROWS - 1} s WHERE f.message_id = 'seed-msg'`;

describe('Operator console over 100 000 parked messages', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('console_scale');
    vhost = await createVhost('console_scale');
    app = await startTestApp({ database: db.name, uri: vhost.uri, consumer: true, txmsg: { console: true } });
    app.get(ThingConsumer).failures.set('seed', 'unrecoverable');
    const probe = await BrokerProbe.open(vhost.uri);
    await probe.publish(EXCHANGE, THING_HAPPENED, { id: 'seed', note: 'x'.repeat(300) }, { messageId: 'seed-msg' });
    await probe.close();
    await waitFor(
      async () =>
        (await sql("SELECT COUNT(*) AS n FROM txmsg_inbox_failure WHERE status = 'PARKED'", [], db.name))[0].n == 1,
      {
        description: 'the seed parked',
      },
    );
    await sql(CLONE, [], db.name);
    await sql(
      dialect.name === 'postgres' ? 'ANALYZE txmsg_inbox_failure' : 'ANALYZE TABLE txmsg_inbox_failure',
      [],
      db.name,
    );
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await vhost?.remove();
    await db?.drop();
  });

  const get = (path: string) => consolePages(app, BASE, TOKEN).get(path);
  const fastest = (path: string) => consolePages(app, BASE, TOKEN).fastest(path);

  it('answers every page in under a second, and deletes the lot in batches, saying how many', async () => {
    const [{ id, fingerprint, consumer }] = await sql(
      "SELECT id, fingerprint, consumer FROM txmsg_inbox_failure WHERE message_id = 'seed-msg'",
      [],
      db.name,
    );
    const group = `consumer=${consumer}&fingerprint=${fingerprint}`;
    const first = await fastest(`/failures?status=PARKED&${group}`);
    const cursor = /href="[^"]*after=([^"&]+)"/.exec(first.text)?.[1];
    expect(cursor).toBeDefined();
    const forged = await fastest('/failures?status=PARKED&reason=FORGED');
    const forgedCursor = /href="[^"]*after=([^"&]+)"/.exec(forged.text)?.[1];
    expect(forgedCursor).toBeDefined();
    const pages: Array<[string, RegExp]> = [
      ['', /Parked, by consumer/],
      ['/groups', /90001<\/td>[\s\S]*9000<\/td>[\s\S]*999<\/td>/],
      [`/groups?consumer=${consumer}`, /90001<\/td>[\s\S]*9000<\/td>/],
      ['/groups?reason=FORGED', /9000<\/td>[\s\S]*999<\/td>/],
      [`/groups?consumer=${consumer}&reason=FORGED`, /9000<\/td>/],
      ['/failures', /scale-/],
      ['/failures?status=PARKED', /scale-/],
      [`/failures?status=PARKED&${group}`, /scale-/],
      [`/failures?status=PARKED&${group}&after=${cursor}`, /scale-/],
      ['/failures?search=scale-77777', /scale-77777/],
      ['/failures?reason=FORGED', /scale-\d*0</],
      ['/failures?status=PARKED&reason=FORGED', /scale-\d*0</],
      [`/failures?status=PARKED&reason=FORGED&after=${forgedCursor}`, /scale-\d*0</],
      ['/failures?status=PARKED&reason=UNRECOVERABLE', /scale-/],
      [`/failures?status=PARKED&consumer=other-consumer&reason=FORGED`, /scale-\d*00</],
      [`/failures?status=PARKED&consumer=${consumer}&reason=FORGED`, /scale-\d*0</],
      [`/failures/${id}`, /Message seed-msg/],
      [`/groups/confirm?action=requeue&${group}`, /<strong>99001<\/strong>/],
      ['/groups/confirm?action=delete', /<strong>100000<\/strong>/],
      ['/groups/confirm?action=delete&reason=FORGED', /<strong>9999<\/strong>/],
      [`/groups/confirm?action=requeue&consumer=${consumer}&reason=FORGED`, /<strong>9000<\/strong>/],
    ];
    const timings: Record<string, number> = {};
    for (const [path, shows] of pages) {
      const { ms, text } = await fastest(path);
      expect([path, text]).toEqual([path, expect.stringMatching(shows)]);
      timings[path || '/'] = Math.round(ms);
    }
    // Printed for the record; the assertion is the budget.
    process.stdout.write(`console pages over ${ROWS} parked rows (ms): ${JSON.stringify(timings)}\n`);
    for (const [path, ms] of Object.entries(timings)) expect([path, ms < PAGE_BUDGET_MS]).toEqual([path, true]);

    const origin = 'http://127.0.0.1';
    const deleted = await request(app.getHttpServer())
      .post(`${BASE}/groups/delete`)
      .set('Authorization', `Bearer ${TOKEN}`)
      .set('Host', '127.0.0.1')
      .set('Origin', origin)
      .expect(303);
    expect(deleted.headers.location).toMatch(/groups\?deleted=100000$/);
    expect((await get('/groups?deleted=100000').expect(200)).text).toContain('Deleted 100000 messages.');
    expect(Number((await sql('SELECT COUNT(*) AS n FROM txmsg_inbox_failure', [], db.name))[0].n)).toBe(0);
  }, 300_000);
});

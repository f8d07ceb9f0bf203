import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { StoreDatabase } from '../src/store/store-database';
import { startTestApp } from './support/app';
import { createTestDatabase, createVhost, dialect, sql } from './support/infra';

const TOKEN = 'test-admin-token';
const BASE = '/txmsg/console';
const ROWS = 100_000;
const PAGE_BUDGET_MS = 1000;
/** Deep into the backlog: a page an offset would have to count its way to. */
const DEPTH = 60_000;

/** `ROWS` rows of `status`, due 1 to 84 minutes from now (ahead for SCHEDULED, behind for the others), many due at once. */
function fill(status: string): string {
  const ahead = status === 'SCHEDULED' ? '+' : '-';
  return dialect.name === 'postgres'
    ? `INSERT INTO txmsg_outbox (message_id, type, exchange, routing_key, payload, status, next_attempt_at)
       SELECT '${status}-' || s.n, 't', 'x', 'r', '{}', '${status}', statement_timestamp() ${ahead} (60 + s.n % 5000) * INTERVAL '1 second'
         FROM generate_series(1, ${ROWS}) AS s(n)`
    : `INSERT INTO txmsg_outbox (message_id, type, exchange, routing_key, payload, status, next_attempt_at)
       SELECT CONCAT('${status}-', s.seq), 't', 'x', 'r', '{}', '${status}', NOW(3) ${ahead} INTERVAL (60 + s.seq % 5000) SECOND
         FROM seq_1_to_${ROWS} s`;
}

/** The opaque cursor of the page after `row`, as the outbox page writes it in its next link. */
const cursorAfter = (row: { next_attempt_at: Date; id: string }) =>
  Buffer.from(`outbox:${new Date(row.next_attempt_at).getTime()}.${row.id}`).toString('base64url');

describe('Operator console over 100 000 delayed and 100 000 published messages', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  /** The statements the store ran, with their parameters, while `capturing`. */
  const ran: Array<[string, unknown[]]> = [];

  beforeAll(async () => {
    db = await createTestDatabase('console_outbox_scale');
    vhost = await createVhost('console_outbox_scale');
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      txmsg: { console: true, relay: { pollIntervalMs: 600_000 } },
    });
    for (const status of ['SCHEDULED', 'PUBLISHED']) await sql(fill(status), [], db.name);
    await sql(dialect.name === 'postgres' ? 'ANALYZE txmsg_outbox' : 'ANALYZE TABLE txmsg_outbox', [], db.name);
    const store = app.get(StoreDatabase, { strict: false });
    const query = store.query.bind(store);
    store.query = ((statement: string, params: unknown[] = [], on?: never) => {
      if (statement.includes('AS due_in_ms')) ran.push([statement, params]);
      return query(statement, params, on);
    }) as typeof store.query;
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await vhost?.remove();
    await db?.drop();
  });

  /** How many rows the database read (or filtered out) to answer `statement`, by its own account. */
  const rowsRead = async ([statement, params]: [string, unknown[]]) => {
    const store = app.get(StoreDatabase, { strict: false });
    if (dialect.name === 'postgres') {
      const [row] = await store.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`, params);
      const plan = JSON.stringify(row['QUERY PLAN']);
      expect(plan).not.toContain('"Sort"');
      const removed = [...plan.matchAll(/"Rows Removed by Filter":\s*(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
      const scanned = Math.max(...[...plan.matchAll(/"Actual Rows":\s*(\d+)/g)].map((m) => Number(m[1])));
      return scanned + removed;
    }
    const [row] = await store.query(`ANALYZE FORMAT=JSON ${statement}`, params);
    const plan = String(Object.values(row)[0]);
    expect(plan).not.toContain('filesort');
    return Math.max(...[...plan.matchAll(/"r_rows":\s*([\d.]+)/g)].map((m) => Number(m[1])));
  };

  it.each([
    ['SCHEDULED', 'ASC'],
    ['PUBLISHED', 'DESC'],
  ])(
    'serves a page of %s rows deep in the table from the due-time index alone, in under a second',
    async (status, order) => {
      const [deep] = await sql(
        `SELECT next_attempt_at, id FROM txmsg_outbox WHERE status = ? ORDER BY next_attempt_at ${order}, id ${order} LIMIT 1 OFFSET ${DEPTH}`,
        [status],
        db.name,
      );
      for (const path of [`/outbox?status=${status}`, `/outbox?status=${status}&after=${cursorAfter(deep)}`]) {
        ran.length = 0;
        const started = Date.now();
        const page = await request(app.getHttpServer()).get(`${BASE}${path}`).set('Authorization', `Bearer ${TOKEN}`);
        expect([path, page.status]).toEqual([path, 200]);
        expect(Date.now() - started).toBeLessThan(PAGE_BUDGET_MS);
        expect(page.text.match(/<tr class="message">/g)).toHaveLength(50);
        expect(page.text).toContain(`SCHEDULED <span class="count">${ROWS}</span>`);
        expect(ran).toHaveLength(1);
        // The page's 51 rows (one more, to know there is a next page), not the 60 000 before it.
        expect(await rowsRead(ran[0])).toBeLessThanOrEqual(51);
      }
    },
  );
});

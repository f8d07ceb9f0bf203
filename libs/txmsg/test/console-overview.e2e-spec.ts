import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, OTHER_HAPPENED, ThingConsumer } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

const TOKEN = 'test-admin-token';
const BASE = '/txmsg/console';
// Its key is the message id: a message sent twice is a duplicate.
const CONSUMER = 'ThingConsumer.onOther';
/** The row of the database's parked messages: three now, and a graph. */
const PARKED_NOW = /<tr data-backlog="parked"><td>Parked messages<\/td><td><strong>3<\/strong><\/td><td[^>]*><svg /;

/** The totals a consumer's row of the overview shows, by column; undefined without a row. */
function rowTotals(html: string, consumer: string): Record<string, number> | undefined {
  const row = html.match(new RegExp(`<tr class="consumer" data-consumer="${consumer}">([\\s\\S]*?)</tr>`))?.[1];
  if (row === undefined) return undefined;
  const total = (column: string) =>
    Number(row.match(new RegExp(`<td class="${column}[^"]*">.*?<span class="total">(\\d+)</span>`))?.[1]);
  return {
    applied: total('applied'),
    duplicate: total('duplicate'),
    retried: total('retried'),
    parked: total('parked'),
    graphs: row.match(/<svg /g)?.length ?? 0,
  };
}

describe('Operator console overview: rates and graphs', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let probe: BrokerProbe;

  beforeAll(async () => {
    db = await createTestDatabase('console_overview');
    vhost = await createVhost('console_overview');
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      consumer: true,
      txmsg: { console: { sampleIntervalMs: 200 } },
    });
    probe = await BrokerProbe.open(vhost.uri);
  });

  afterAll(async () => {
    await probe?.close();
    await app?.close();
    await vhost?.remove();
    await db?.drop();
  });

  const overview = () => request(app.getHttpServer()).get(BASE).set('Authorization', `Bearer ${TOKEN}`);
  const count = async (statement: string) => Number((await sql(statement, [], db.name))[0].n);
  const send = (ids: string[]) =>
    probe.publishMany(
      EXCHANGE,
      OTHER_HAPPENED,
      ids.map((id) => ({ body: { id }, options: { messageId: `msg-${id}` } })),
    );

  it("shows each consumer's applied, duplicate, retried and parked counts of this instance, with graphs", async () => {
    const consumer = app.get(ThingConsumer);
    consumer.failures.set('once', 1);
    for (const id of ['bad-0', 'bad-1', 'bad-2']) consumer.failures.set(id, 'unrecoverable');
    const parked = "SELECT COUNT(*) AS n FROM txmsg_inbox_failure WHERE status = 'PARKED'";
    const applied = "SELECT COUNT(*) AS n FROM t_effects WHERE k LIKE 'other:ok-%' OR k = 'other:once'";
    await send(['ok-0', 'ok-1', 'ok-2', 'ok-3', 'ok-4', 'bad-0', 'bad-1', 'bad-2']);
    await waitFor(async () => (await count(applied)) === 5 && (await count(parked)) === 3, {
      description: 'five applied, three parked',
    });
    // Alone, so it fails on its own (a failing group is applied again one by one): one retry.
    await send(['once']);
    await waitFor(async () => (await count(applied)) === 6, { description: 'the retried message applied' });
    // The same message ids again, once the first copies are applied: duplicates.
    await send(['ok-0', 'ok-1']);

    let page = '';
    await waitFor(
      async () => {
        page = (await overview().expect(200)).text;
        // The database's backlogs are read at most once a second, however often the page asks.
        return rowTotals(page, CONSUMER)?.duplicate === 2 && PARKED_NOW.test(page);
      },
      { timeoutMs: 15_000, description: 'a sample with the duplicates, and the three parked messages read' },
    );
    expect(rowTotals(page, CONSUMER)).toEqual({ applied: 6, duplicate: 2, retried: 1, parked: 3, graphs: 2 });
    // Nothing was counted under the other consumer, and the counts are said to be this instance's.
    expect(rowTotals(page, 'ThingConsumer.onThing')).toBeUndefined();
    expect(page).toMatch(/id="rates-scope">Deliveries this instance handled since this instance started/);
    expect(page).toContain("The backlogs below are the database's");
    // The database's parked messages, now and graphed; the page still refreshes itself.
    expect(page).toMatch(PARKED_NOW);
    expect(page).toMatch(/setInterval\(.*5000\)/);
  });

  it('answers 401 without the token', async () => {
    for (const auth of [{}, { Authorization: 'Bearer wrong' }, { Cookie: 'txmsg_console=forged' }]) {
      const refused = await request(app.getHttpServer()).get(BASE).set(auth).expect(401);
      expect(refused.text).not.toContain('data-consumer');
    }
  });
});

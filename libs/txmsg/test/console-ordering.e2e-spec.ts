import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { APPLIED_DDL, ORDERED_STEP, StepModule, stepMessage } from './support/console-ordering-app';
import { EXCHANGE } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

const TOKEN = 'test-admin-token';
const BASE = '/txmsg/console';

describe('Operator console: blocked ordering keys', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let probe: BrokerProbe;
  let origin: string;

  beforeAll(async () => {
    db = await createTestDatabase('console_ordering');
    vhost = await createVhost('console_ordering');
    await sql(APPLIED_DDL, [], db.name);
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      modules: [StepModule],
      listen: true,
      txmsg: { console: true, retry: { ladderMs: [100], scanIntervalMs: 50 } },
    });
    probe = await BrokerProbe.open(vhost.uri);
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await probe.close();
    await app.close();
    await vhost.remove();
    await db.drop();
  });

  const http = () => request(app.getHttpServer());
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const applied = async (order: string) =>
    (await sql<Array<{ step: number }>>('SELECT step FROM t_applied WHERE k = ? ORDER BY id', [order], db.name)).map(
      (row) => Number(row.step),
    );
  const heldOf = async (order: string) =>
    Number((await sql('SELECT COUNT(*) AS n FROM txmsg_ordering_held WHERE ordering_key = ?', [order], db.name))[0].n);
  /** Steps 1…`steps` of `order`, step `parked` refused, and waits until the ones after it are held. */
  const block = async (order: string, steps: number, parked: number) => {
    for (let step = 1; step <= steps; step++) {
      const { body, options } = stepMessage(order, step, step === parked);
      await probe.publish(EXCHANGE, ORDERED_STEP, body, options);
    }
    const parkedRow = () =>
      sql<Array<{ id: string }>>(
        "SELECT id FROM txmsg_inbox_failure WHERE status = 'PARKED' AND message_id = ?",
        [`${order}-${parked}`],
        db.name,
      );
    // A later step can be held before the refused one is parked: wait for both.
    await waitFor(async () => (await heldOf(order)) === steps - parked && (await parkedRow()).length === 1, {
      description: `${order} step ${parked} parked, ${steps - parked} steps held`,
    });
    const [row] = await parkedRow();
    return String(row.id);
  };
  const skipQuery = (order: string) => `consumer=steps&source=test-svc&key=${encodeURIComponent(order)}`;

  it('lists a key blocked by a parked message with the held count and a link to it; a skip through the confirmation applies the held ones in order', async () => {
    const failureId = await block('o-<blocked>', 5, 2);
    // Its key has LIKE’s wildcards and escape character in it: they are matched as themselves when its failed message is looked up.
    const otherId = await block('o-50%_off\\', 2, 1);
    expect(await applied('o-<blocked>')).toEqual([1]);

    const list = await http().get(`${BASE}/ordering`).set(auth).expect(200);
    expect(list.headers['content-security-policy']).toContain("default-src 'none'");
    const row = list.text.split('<tr class="key">').find((r) => r.includes('o-&lt;blocked&gt;'))!;
    expect(row).toBeDefined();
    expect(list.text).not.toContain('o-<blocked>');
    expect(row).toContain('<td>steps</td><td>test-svc</td>');
    expect(row).toContain('<td class="waits-for">#2 <span class="muted">(failing)</span></td>');
    expect(row).toContain('<td class="held">3</td>');
    expect(row).toContain(`<a href="${BASE}/failures/${failureId}">o-&lt;blocked&gt;-2</a>`);
    expect(row).toMatch(/<td>\d{4}-\d\d-\d\dT[\d:.]+Z<\/td>/);
    expect(row).toContain(`href="${BASE}/ordering/confirm?${skipQuery('o-<blocked>').replace(/&/g, '&amp;')}"`);
    // Filtered by another consumer, it is not listed.
    const other = await http().get(`${BASE}/ordering?consumer=nobody`).set(auth).expect(200);
    expect(other.text).toContain('No ordering key is blocked.');

    const confirm = await http()
      .get(`${BASE}/ordering/confirm?${skipQuery('o-<blocked>')}`)
      .set(auth)
      .expect(200);
    expect(confirm.text).toContain('Skipping gives up message #2');
    expect(confirm.text).toContain('releases the <strong>3</strong> held messages after it, in order');
    expect(confirm.text).toContain(`href="${BASE}/failures/${failureId}"`);
    expect(confirm.text).toContain(`action="${BASE}/ordering/skip?${skipQuery('o-<blocked>').replace(/&/g, '&amp;')}"`);
    // Nothing is skipped by looking.
    expect(await heldOf('o-<blocked>')).toBe(3);

    const answer = await http()
      .post(`${BASE}/ordering/skip?${skipQuery('o-<blocked>')}`)
      .set(auth)
      .set('Origin', origin)
      .expect(303);
    expect(answer.headers.location).toBe(`${BASE}/ordering?skipped=1&released=3`);
    await waitFor(async () => (await applied('o-<blocked>')).length === 4, { description: 'steps 3, 4, 5 applied' });
    expect(await applied('o-<blocked>')).toEqual([1, 3, 4, 5]);
    // The other key still waits; the parked message stays parked.
    expect(await applied('o-50%_off\\')).toEqual([]);
    expect((await sql('SELECT status FROM txmsg_inbox_failure WHERE id = ?', [failureId], db.name))[0].status).toBe(
      'PARKED',
    );
    const after = await http().get(answer.headers.location).set(auth).expect(200);
    expect(after.text).toContain('Skipped the key: 3 held messages released.');
    expect(after.text).not.toContain('o-&lt;blocked&gt;');
    const otherRow = after.text.split('<tr class="key">').find((r) => r.includes('o-50%_off\\'))!;
    expect(otherRow).toContain(`<a href="${BASE}/failures/${otherId}">o-50%_off\\-1</a>`);

    // A second skip finds nothing to give up, and says so.
    const again = await http()
      .post(`${BASE}/ordering/skip?${skipQuery('o-<blocked>')}`)
      .set(auth)
      .set('Origin', origin)
      .expect(303);
    expect(again.headers.location).toBe(`${BASE}/ordering?skipped=0`);
    const nothing = await http()
      .get(`${BASE}/ordering/confirm?${skipQuery('o-<blocked>')}`)
      .set(auth)
      .expect(200);
    expect(nothing.text).toContain('The key waits on nothing now (applied up to #5).');
    expect(nothing.text).not.toContain('id="confirm"');
    expect(await applied('o-<blocked>')).toEqual([1, 3, 4, 5]);
  });

  it('answers 401 on every page and action without the token, and skips nothing', async () => {
    await block('o-guarded', 3, 1);
    for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Cookie: 'txmsg_console=forged' }]) {
      for (const path of ['/ordering', `/ordering/confirm?${skipQuery('o-guarded')}`]) {
        const page = await http().get(`${BASE}${path}`).set(headers).expect(401);
        expect(page.text).toContain('name="token"');
      }
      await http()
        .post(`${BASE}/ordering/skip?${skipQuery('o-guarded')}`)
        .set(headers)
        .set('Origin', origin)
        .expect(401);
    }
    // Another site's form, with the token, is refused too.
    await http()
      .post(`${BASE}/ordering/skip?${skipQuery('o-guarded')}`)
      .set(auth)
      .set('Origin', 'https://evil.example')
      .expect(403);
    expect(await heldOf('o-guarded')).toBe(2);
    expect(await applied('o-guarded')).toEqual([]);
  });

  it('answers 400 to a key named badly and 404 to one the consumer never saw, changing nothing', async () => {
    await block('o-bad-input', 2, 1);
    const long = 'k'.repeat(192);
    for (const query of [
      'consumer=steps&source=test-svc',
      `consumer=steps&source=test-svc&key=${long}`,
      'key=o-bad-input',
    ]) {
      const page = await http().get(`${BASE}/ordering/confirm?${query}`).set(auth).expect(400);
      expect(page.text).toMatch(/must be a string of 1 to 191 characters/);
      await http().post(`${BASE}/ordering/skip?${query}`).set(auth).set('Origin', origin).expect(400);
    }
    await http().get(`${BASE}/ordering?consumer=${long}`).set(auth).expect(400);
    await http()
      .get(`${BASE}/ordering/confirm?${skipQuery('o-never')}`)
      .set(auth)
      .expect(404);
    await http()
      .post(`${BASE}/ordering/skip?${skipQuery('o-never')}`)
      .set(auth)
      .set('Origin', origin)
      .expect(404);
    expect(await heldOf('o-bad-input')).toBe(1);
  });
});

import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, THING_HAPPENED, ThingConsumer } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

const TOKEN = 'test-admin-token';
const BASE = '/txmsg/console';
const KEY = { keyId: 'test-svc-1', secret: 'a-test-signing-secret-of-32-chars!!' };

describe('Failed messages: attempts, skip and the reason filter', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let consumer: ThingConsumer;
  let probe: BrokerProbe;
  let origin: string;

  beforeAll(async () => {
    db = await createTestDatabase('history');
    vhost = await createVhost('history');
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      consumer: true,
      listen: true,
      txmsg: {
        console: true,
        messages: { signing: { keyId: KEY.keyId, keys: { [KEY.keyId]: KEY.secret }, maxAgeMs: 30_000 } },
      },
    });
    consumer = app.get(ThingConsumer);
    probe = await BrokerProbe.open(vhost.uri, { signWith: KEY });
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await probe?.close();
    await app?.close();
    await vhost?.remove();
    await db?.drop();
  });

  const http = () => request(app.getHttpServer());
  const bearer = { Authorization: `Bearer ${TOKEN}` };
  const thing = (id: string) => Buffer.from(JSON.stringify({ id, note: 'n' }));
  const publish = (id: string, options: { signWith?: false } = {}) =>
    probe.publish(EXCHANGE, THING_HAPPENED, thing(id), { messageId: `${id}-msg`, ...options });
  /** The failure row of message `<id>-msg`, once it is in `status`. */
  const failureOf = async (id: string, status: string) =>
    (await waitFor(
      async () =>
        (
          await sql<{ id: string }[]>(
            'SELECT id FROM txmsg_inbox_failure WHERE message_id = ? AND status = ?',
            [`${id}-msg`, status],
            db.name,
          )
        )[0],
      { description: `${id} ${status}` },
    ))!.id.toString();
  const detail = async (id: string) => (await http().get(`/txmsg/failures/${id}`).set(bearer).expect(200)).body;
  const attemptRows = async (failureId: string) =>
    Number(
      (
        await sql<{ n: number }[]>(
          'SELECT COUNT(*) AS n FROM txmsg_inbox_failure_attempt WHERE failure_id = ?',
          [failureId],
          db.name,
        )
      )[0].n,
    );
  const times = async (id: string) =>
    Number((await sql('SELECT times FROM t_effects WHERE k = ?', [`thing:${id}`], db.name))[0]?.times ?? 0);
  const counted = async (outcome: string) => {
    const { text } = await http().get('/metrics');
    const line = new RegExp(
      `txmsg_consumer_messages_total\\{consumer="ThingConsumer.onThing",outcome="${outcome}"[^}]*\\} (\\d+)`,
    );
    return Number(line.exec(text)?.[1] ?? 0);
  };
  const dedupRows = async (key: string) =>
    Number(
      (
        await sql<{ n: number }[]>(
          "SELECT COUNT(*) AS n FROM txmsg_dedup WHERE consumer = 'ThingConsumer.onThing' AND dedup_key = ?",
          [key],
          db.name,
        )
      )[0].n,
    );
  const post = (path: string) => http().post(`${BASE}${path}`).set(bearer).set('Origin', origin);
  /** Publishes a message its handler refuses as unrecoverable; resolves to its parked row's id. */
  const park = async (id: string) => {
    consumer.failures.set(id, 'unrecoverable');
    await publish(id);
    return failureOf(id, 'PARKED');
  };

  it('keeps every attempt with its time and outcome, across a requeue, and drops them once the message is handled', async () => {
    consumer.failures.set('flaky', 4);
    await publish('flaky');
    const id = await failureOf('flaky', 'PARKED');
    const first = await detail(id);
    expect(first.history.map((a: any) => [a.attempt, a.outcome, a.reason, a.errorClass])).toEqual([
      [1, 'RETRY', null, 'Error'],
      [2, 'RETRY', null, 'Error'],
      [3, 'RETRY', null, 'Error'],
      [4, 'PARKED', 'EXHAUSTED', 'Error'],
    ]);
    for (const a of first.history) expect(a.error).toContain('handler failure for flaky');
    const at = first.history.map((a: any) => Date.parse(a.at));
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    expect(first.history[0].retryAt).not.toBeNull();
    expect(first.history[3].retryAt).toBeNull();
    expect(first.dedupKey).toBe('flaky');
    // The stack of the last error, down to the handler that threw it (support/fixtures.ts).
    expect(first.lastStack).toMatch(/^Error: handler failure for flaky\n\s+at .*fixtures\.ts:\d+/);

    // Requeued, it fails again: the same row, its history going on.
    consumer.failures.set('flaky', 'unrecoverable');
    await post(`/failures/${id}/requeue`).expect(303);
    await waitFor(async () => (await detail(id)).history.length === 5, { description: 'the fifth attempt recorded' });
    const again = await detail(id);
    expect(again.status).toBe('PARKED');
    expect(again.history.map((a: any) => [a.attempt, a.outcome, a.reason])).toEqual([
      [1, 'RETRY', null],
      [2, 'RETRY', null],
      [3, 'RETRY', null],
      [4, 'PARKED', 'EXHAUSTED'],
      [1, 'PARKED', 'UNRECOVERABLE'],
    ]);
    expect(again.history[4].errorClass).toBe('UnrecoverableMessageError');

    const page = await http().get(`${BASE}/failures/${id}`).set(bearer).expect(200);
    expect(page.text).toContain('<h2>Attempts</h2>');
    expect(page.text.match(/<tr><td>\d<\/td><td>\d{4}-/g)).toHaveLength(5);
    expect(page.text).toContain('PARKED EXHAUSTED');

    consumer.failures.delete('flaky');
    await post(`/failures/${id}/requeue`).expect(303);
    await waitFor(async () => (await times('flaky')) === 1, { description: 'flaky applied' });
    await waitFor(async () => (await attemptRows(id)) === 0, { description: 'its attempts gone with its row' });
    await http().get(`/txmsg/failures/${id}`).set(bearer).expect(404);
  });

  it('keeps the last 100 attempts of a message that keeps failing, so a poison loop cannot grow its history', async () => {
    const id = await park('looping');
    const seed = `INSERT INTO txmsg_inbox_failure_attempt (failure_id, attempt, outcome, error) VALUES (?, ?, 'RETRY', 'old')`;
    for (let attempt = 1; attempt <= 100; attempt++) await sql(seed, [id, attempt], db.name);
    expect(await attemptRows(id)).toBe(101);
    await post(`/failures/${id}/requeue`).expect(303);
    await waitFor(
      async () =>
        (await detail(id)).history.at(-1)?.error?.includes('looping is not acceptable') &&
        (await detail(id)).status === 'PARKED',
      {
        description: 'the requeued message parked again',
      },
    );
    const { history } = await detail(id);
    expect(history).toHaveLength(100);
    // The oldest two went: the first real attempt, and the first seeded.
    expect(history[0]).toMatchObject({ attempt: 2, error: 'old' });
    expect(history.at(-1)).toMatchObject({ attempt: 1, outcome: 'PARKED', reason: 'UNRECOVERABLE' });
  });

  it('skips a parked message: recorded as handled, so a redelivery does not run the handler', async () => {
    const id = await park('skipped');
    const handled = () => consumer.deliveries.filter((d) => d.id === 'skipped').length;
    expect(handled()).toBe(1);
    const page = await http().get(`${BASE}/failures/${id}`).set(bearer).expect(200);
    expect(page.text).toContain(`action="${BASE}/failures/${id}/skip"`);
    expect(page.text).toContain('a redelivery is a duplicate');

    const answer = await post(`/failures/${id}/skip`).expect(303);
    expect(answer.headers.location).toBe(`${BASE}/failures?skipped=1`);
    expect((await http().get(answer.headers.location).set(bearer).expect(200)).text).toContain('Skipped 1 message.');
    expect(await dedupRows('skipped')).toBe(1);
    expect(await attemptRows(id)).toBe(0);
    await http().get(`/txmsg/failures/${id}`).set(bearer).expect(404);

    const duplicates = await counted('duplicate');
    await publish('skipped');
    await waitFor(async () => (await counted('duplicate')) === duplicates + 1, {
      description: 'the redelivery acknowledged as a duplicate',
    });
    expect(handled()).toBe(1);
    expect(await times('skipped')).toBe(0);
    await post(`/failures/${id}/skip`).expect(303, /skipped=0/);
  });

  it('deletes a parked message without recording it, so a redelivery runs the handler again', async () => {
    const id = await park('deleted');
    await post(`/failures/${id}/delete`).expect(303);
    expect(await dedupRows('deleted')).toBe(0);
    consumer.failures.delete('deleted');
    await publish('deleted');
    await waitFor(async () => (await times('deleted')) === 1, { description: 'the redelivery applied' });
    expect(consumer.deliveries.filter((d) => d.id === 'deleted')).toHaveLength(2);
  });

  it('skips through the admin API, and refuses a forged message, which has no dedup key, with 409', async () => {
    const id = await park('api-skipped');
    expect(await http().post(`/txmsg/parked/${id}/skip`).set(bearer).expect(200)).toMatchObject({
      body: { skipped: 1 },
    });
    expect((await http().post(`/txmsg/parked/${id}/skip`).set(bearer).expect(200)).body).toEqual({ skipped: 0 });
    expect(await dedupRows('api-skipped')).toBe(1);

    await publish('forged-1', { signWith: false });
    const forged = await failureOf('forged-1', 'PARKED');
    const refused = await http().post(`/txmsg/parked/${forged}/skip`).set(bearer).expect(409);
    expect(refused.body.message).toContain('failed before its dedup key was known');
    const console = await post(`/failures/${forged}/skip`).expect(409);
    expect(console.text).toContain('delete it instead');
    expect((await detail(forged)).status).toBe('PARKED');
    expect((await http().get(`${BASE}/failures/${forged}`).set(bearer)).text).not.toContain('/skip"');
  });

  it('filters failed messages by reason in the admin API, the list, the groups and the bulk actions', async () => {
    await publish('forged-2', { signWith: false });
    await failureOf('forged-2', 'PARKED');
    await park('refused');
    const parked = async (reason: string) =>
      (await http().get(`/txmsg/parked?reason=${reason}`).set(bearer).expect(200)).body.items.map(
        (m: any) => m.messageId,
      );
    expect((await parked('forged')).sort()).toEqual(['forged-1-msg', 'forged-2-msg']);
    expect(await parked('UNRECOVERABLE')).toContain('refused-msg');
    expect(await parked('UNRECOVERABLE')).not.toContain('forged-2-msg');
    expect((await http().get('/txmsg/parked/count?reason=FORGED').set(bearer).expect(200)).body).toEqual({ count: 2 });
    const groups = await http().get('/txmsg/failures/groups?reason=FORGED').set(bearer).expect(200);
    expect(groups.body.items.map((g: any) => g.reason)).toEqual(['FORGED']);
    for (const path of ['/txmsg/parked?reason=LOST', '/txmsg/failures?reason=LOST', '/txmsg/parked/count?reason=']) {
      await http().get(path).set(bearer).expect(400);
    }

    const list = await http().get(`${BASE}/failures?status=PARKED&reason=FORGED`).set(bearer).expect(200);
    expect(list.text).toContain('forged-2-msg');
    expect(list.text).not.toContain('refused-msg');
    expect(list.text).toContain('<option value="FORGED" selected>');
    expect(list.text).toContain(`href="${BASE}/groups/confirm?action=delete&amp;reason=FORGED"`);
    const refusedList = await http().get(`${BASE}/failures?reason=nonsense`).set(bearer).expect(400);
    expect(refusedList.text).toContain('reason must be one of');
    const groupsPage = await http().get(`${BASE}/groups?reason=FORGED`).set(bearer).expect(200);
    expect(groupsPage.text.match(/<tr class="group"><td>[^<]*<\/td><td>\w+/g)).toEqual([
      '<tr class="group"><td>ThingConsumer.onThing</td><td>FORGED',
    ]);
    await http().get(`${BASE}/groups?reason=LOST`).set(bearer).expect(400);

    const overview = await waitFor(
      async () => {
        const { text } = await http().get(BASE).set(bearer);
        return text.includes('reason=FORGED') ? text : undefined;
      },
      { description: 'the overview links to the forged messages' },
    );
    expect(overview).toContain(
      `href="${BASE}/failures?status=PARKED&amp;consumer=ThingConsumer.onThing&amp;reason=FORGED"`,
    );

    const confirm = await http().get(`${BASE}/groups/confirm?action=delete&reason=FORGED`).set(bearer).expect(200);
    expect(confirm.text).toContain('<strong>2</strong> parked messages of every consumer parked as FORGED');
    await post('/groups/delete?reason=LOST').expect(400);
    const done = await post('/groups/delete?reason=FORGED').expect(303);
    expect(done.headers.location).toBe(`${BASE}/groups?deleted=2`);
    expect(await parked('FORGED')).toEqual([]);
    expect(await parked('UNRECOVERABLE')).toContain('refused-msg');
  });

  it('answers 401 to the skip without the token, and changes nothing', async () => {
    const id = await park('unauthorised');
    for (const auth of [{}, { Authorization: 'Bearer wrong' }, { Cookie: 'txmsg_console=forged' }]) {
      await http().post(`${BASE}/failures/${id}/skip`).set(auth).set('Origin', origin).expect(401);
      await http().post(`/txmsg/parked/${id}/skip`).set(auth).expect(401);
    }
    await http().post(`${BASE}/failures/${id}/skip`).set(bearer).set('Origin', 'https://evil.example').expect(403);
    await http().post(`${BASE}/failures/x/skip`).set(bearer).set('Origin', origin).expect(400);
    expect((await detail(id)).status).toBe('PARKED');
    expect(await dedupRows('unauthorised')).toBe(0);
  });
});

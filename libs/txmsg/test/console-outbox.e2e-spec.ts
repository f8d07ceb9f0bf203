import { TransactionHost } from '@nestjs-cls/transactional';
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Outbox } from '../src';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, ThingHappened } from './support/fixtures';
import { createTestDatabase, createVhost, dialect, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

const TOKEN = 'test-admin-token';
const BASE = '/txmsg/console';
const MANY = 120;
/** Due times shared by three messages each, so the order within one due time (by id) is seen too. */
const DUE_TIMES = 40;

describe('Operator console: the outbox', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let probe: BrokerProbe;
  let origin: string;

  beforeAll(async () => {
    db = await createTestDatabase('console_outbox');
    vhost = await createVhost('console_outbox');
    probe = await BrokerProbe.open(vhost.uri);
    await probe.watch(EXCHANGE, '#');
    app = await startTestApp({ database: db.name, uri: vhost.uri, listen: true, txmsg: { console: true } });
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
  const publish = async (id: string, delayMs: number) => {
    let messageId = '';
    await app.get(TransactionHost).withTransaction(async () => {
      messageId = await app.get(Outbox).publish(new ThingHappened(id, 'later'), { delayMs });
    });
    return messageId;
  };
  const statusOf = async (messageId: string) =>
    (await sql('SELECT status FROM txmsg_outbox WHERE message_id = ?', [messageId], db.name))[0]?.status;
  const published = (messageId: string) => probe.received.some((m) => m.properties.messageId === messageId);
  const idsOn = (html: string) => [...html.matchAll(/<td class="message-id">([^<]+)<\/td>/g)].map((m) => m[1]);
  const cancel = (messageId: string) =>
    http().post(`${BASE}/outbox/${messageId}/cancel`).set(auth).set('Origin', origin).expect(303);

  it('lists the delayed messages due soonest first, 50 a page, with the counts by status', async () => {
    // Written in an order unlike their due order; then every three share a due time (one statement each).
    const written: string[] = [];
    for (let i = 0; i < MANY; i++) written.push(await publish(`many-${i}`, 3_600_000 + i * 1000));
    const minutesOf = (group: number) => 10 + ((group * 7) % DUE_TIMES);
    for (let group = 0; group < DUE_TIMES; group++) {
      const ids = written.filter((_, i) => i % DUE_TIMES === group);
      await sql(
        dialect.sql(`UPDATE txmsg_outbox SET next_attempt_at = ${dialect.nowPlusMicros} WHERE message_id IN (?, ?, ?)`),
        [minutesOf(group) * 60_000_000, ...ids],
        db.name,
      );
    }
    const expected = [...written.keys()]
      .sort((a, b) => minutesOf(a % DUE_TIMES) - minutesOf(b % DUE_TIMES) || a - b)
      .map((i) => written[i]);

    const seen: string[] = [];
    let path = `${BASE}/outbox`;
    for (const size of [50, 50, 20]) {
      const page = await http().get(path).set(auth).expect(200);
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      expect(idsOn(page.text)).toHaveLength(size);
      seen.push(...idsOn(page.text));
      const next = /id="next-page" href="([^"]+)"/.exec(page.text)?.[1].replace(/&amp;/g, '&');
      if (size < 50) expect(next).toBeUndefined();
      else path = next!;
      if (seen.length === 50) {
        expect(page.text).toMatch(new RegExp(`id="count-SCHEDULED">SCHEDULED <span class="count">${MANY}</span>`));
        expect(page.text).toContain('due soonest first');
        // Due in 10 minutes, by the database's clock.
        expect(page.text).toMatch(/\((in 9 min|in 10 min)\)<\/span>/);
        expect(page.text).toContain('test.thing.happened');
      }
    }
    expect(seen).toEqual(expected);
    // Another status is a page of its own; a page of one without rows says so.
    const cancelled = await http().get(`${BASE}/outbox?status=CANCELLED`).set(auth).expect(200);
    expect(cancelled.text).toContain('No CANCELLED message.');
    expect(cancelled.text).toContain('latest due time first');
  });

  it('cancels a delayed message, which is then never published; one already released answers 0', async () => {
    const doomed = await publish('doomed', 1500);
    const control = await publish('control', 1500);
    const answer = await cancel(doomed);
    expect(answer.headers.location).toBe(`${BASE}/outbox?status=SCHEDULED&cancelled=1`);
    const page = await http().get(answer.headers.location).set(auth).expect(200);
    expect(page.text).toContain('Cancelled 1 message.');
    expect(idsOn(page.text)).not.toContain(doomed);
    expect(await statusOf(doomed)).toBe('CANCELLED');
    // The control, due at the same time, is published; the cancelled one is not.
    await waitFor(() => published(control), { timeoutMs: 15_000, description: 'the control published' });
    await waitFor(async () => (await statusOf(control)) === 'PUBLISHED', { description: 'control marked published' });
    expect(published(doomed)).toBe(false);
    const listed = await http().get(`${BASE}/outbox?status=CANCELLED`).set(auth).expect(200);
    expect(idsOn(listed.text)).toEqual([doomed]);

    const again = await cancel(control);
    expect(again.headers.location).toBe(`${BASE}/outbox?status=SCHEDULED&cancelled=0`);
    const said = await http().get(again.headers.location).set(auth).expect(200);
    expect(said.text).toContain('Cancelled 0 messages (already released, or cancelled before).');
    expect(await statusOf(control)).toBe('PUBLISHED');
  });

  it('answers 401 on every page and action without the token, and cancels nothing', async () => {
    const kept = await publish('guarded', 3_600_000);
    for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Cookie: 'txmsg_console=forged' }]) {
      for (const path of ['/outbox', '/outbox?status=READY']) {
        const page = await http().get(`${BASE}${path}`).set(headers).expect(401);
        expect(page.text).toContain('name="token"');
      }
      await http().post(`${BASE}/outbox/${kept}/cancel`).set(headers).set('Origin', origin).expect(401);
    }
    await http().post(`${BASE}/outbox/${kept}/cancel`).set(auth).set('Origin', 'https://evil.example').expect(403);
    expect(await statusOf(kept)).toBe('SCHEDULED');
  });

  it('answers 400 to a bad status, page link or message id, changing nothing', async () => {
    const kept = await publish('bad-input', 3_600_000);
    for (const query of [
      'status=BOGUS',
      'after=not-a-cursor',
      `after=${Buffer.from('outbox:x.1').toString('base64url')}`,
    ]) {
      const page = await http().get(`${BASE}/outbox?${query}`).set(auth).expect(400);
      expect(page.text).toMatch(/status must be one of|after must be the link of a next page/);
    }
    for (const id of ['a%20b', 'x'.repeat(65)]) {
      await http().post(`${BASE}/outbox/${id}/cancel`).set(auth).set('Origin', origin).expect(400);
    }
    expect(await statusOf(kept)).toBe('SCHEDULED');
  });
});

import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { NotifyingService } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';

const TOKEN = 'test-admin-token';
const BASE = '/txmsg/console';
const AUTH = { Authorization: `Bearer ${TOKEN}` };

/** A receiver on 127.0.0.1 that answers 503 while `failing`, 200 otherwise, and counts what it got. */
async function receiver() {
  const state = { failing: true, received: 0 };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.received += 1;
      res.statusCode = state.failing ? 503 : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return { origin, state, close };
}

describe('Operator console: notifications', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let flaky: Awaited<ReturnType<typeof receiver>>;
  /** Its one retry is an hour away: what it is sent stays PENDING for the whole file. */
  let slow: Awaited<ReturnType<typeof receiver>>;
  let origin: string;

  beforeAll(async () => {
    [flaky, slow] = await Promise.all([receiver(), receiver()]);
    db = await createTestDatabase('console_notify');
    vhost = await createVhost('console_notify');
    app = await startTestApp({
      database: db.name,
      uri: vhost.uri,
      listen: true,
      txmsg: {
        console: true,
        notify: {
          // IP literals of the receivers' own: the only non-public addresses the notifier may reach.
          secrets: { [flaky.origin]: 'flaky-key', [slow.origin]: 'slow-key' },
          retryPolicies: {
            [flaky.origin]: { ladder: [50], maxAttempts: 3 },
            [slow.origin]: { ladder: [3_600_000], maxAttempts: 2 },
          },
        },
      },
    });
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([flaky, slow].map((r) => r?.close()));
    await vhost?.remove();
    await db?.drop();
  });

  const http = () => request(app.getHttpServer());
  const record = (subject: string, url: string) => app.get(NotifyingService).record(subject, url);
  const rowOf = async (subject: string) =>
    (
      await sql<{ id: string | number; status: string; attempts: number; next_attempt_at: Date }[]>(
        'SELECT id, status, attempts, next_attempt_at FROM txmsg_notification WHERE subject = ?',
        [subject],
        db.name,
      )
    )[0];
  const attemptsOf = async (subject: string) =>
    sql<{ status_code: number | null; error: string | null }[]>(
      `SELECT a.status_code, a.error FROM txmsg_notification_attempt a
         JOIN txmsg_notification n ON n.notification_id = a.notification_id WHERE n.subject = ? ORDER BY a.id`,
      [subject],
      db.name,
    );
  const statusIs = (subject: string, status: string) =>
    waitFor(async () => (await rowOf(subject))?.status === status, { description: `${subject} ${status}` });
  const page = async (path: string) => (await http().get(`${BASE}${path}`).set(AUTH).expect(200)).text;
  /** The ids of the list's rows, in the order shown. */
  const listed = (html: string) =>
    [...html.matchAll(/<tr><td><a href="[^"]*\/notifications\/(\d+)">/g)].map((m) => m[1]);
  const countOf = (html: string, status: string) =>
    Number(new RegExp(`data-status="${status}">(\\d+)<`).exec(html)?.[1]);
  const hooks = () => `${flaky.origin}/hooks/shop?token=s3cret`;

  it('lists exhausted notifications with their attempts, filters them, and never shows the token', async () => {
    flaky.state.failing = true;
    for (const subject of ['order-1', 'order-2', 'order-3']) await record(subject, hooks());
    await record('refund-1', `${flaky.origin}/other`);
    for (const subject of ['order-1', 'order-2', 'order-3', 'refund-1']) await statusIs(subject, 'FAILED');

    const all = await page('/notifications');
    expect(countOf(all, 'FAILED')).toBe(4);
    expect(listed(all)).toHaveLength(4);
    // Newest first; the receiver shown redacted, with its path.
    const ids = await Promise.all(
      ['refund-1', 'order-3', 'order-2', 'order-1'].map(async (s) => String((await rowOf(s)).id)),
    );
    expect(listed(all)).toEqual(ids);
    expect(all).toContain(`${flaky.origin}/hooks/shop?[redacted]`);
    expect(all).toContain('http_status (503)');
    expect(all).not.toContain('s3cret');

    expect(listed(await page(`/notifications?receiver=${encodeURIComponent(`${flaky.origin}/hooks/`)}`))).toEqual(
      ids.slice(1),
    );
    expect(listed(await page('/notifications?subject=refund-1'))).toEqual([ids[0]]);
    expect(listed(await page('/notifications?status=FAILED&subject=order-2'))).toEqual([ids[2]]);
    expect(listed(await page('/notifications?status=DELIVERED'))).toEqual([]);
    // A form's empty fields are no filter.
    expect(listed(await page('/notifications?status=&receiver=&subject='))).toEqual(ids);

    const one = await page(`/notifications/${ids[3]}`);
    expect(one.match(/<td>failed<\/td>\s*<td>503<\/td><td>http_status<\/td>/g)).toHaveLength(3);
    expect(one).toContain('&quot;id&quot;: &quot;order-1&quot;');
    expect(one).toContain('id="resend"');
    expect(one).not.toContain('s3cret');
  });

  it('re-sends one on a fresh ladder, keeping its attempts, then a filter once the receiver is fixed, saying how many', async () => {
    const refund = String((await rowOf('refund-1')).id);
    // Still failing: the re-sent notification gets its whole ladder again, not one last try.
    const answer = await http()
      .post(`${BASE}/notifications/${refund}/resend`)
      .set(AUTH)
      .set('Origin', origin)
      .expect(303);
    expect(answer.headers.location).toBe(`${BASE}/notifications/${refund}?resent=1`);
    expect(await page(`/notifications/${refund}?resent=1`)).toContain('Re-sent 1 notification.');
    await waitFor(async () => (await attemptsOf('refund-1')).length === 6, { description: 'a second ladder' });
    await statusIs('refund-1', 'FAILED');

    flaky.state.failing = false;
    await http().post(`${BASE}/notifications/${refund}/resend`).set(AUTH).set('Origin', origin).expect(303);
    await statusIs('refund-1', 'DELIVERED');
    expect((await attemptsOf('refund-1')).map((a) => a.status_code)).toEqual([503, 503, 503, 503, 503, 503, 200]);
    expect((await rowOf('refund-1')).attempts).toBe(1);

    const filter = `status=FAILED&receiver=${encodeURIComponent(`${flaky.origin}/hooks/`)}`;
    const confirm = await page(`/notifications/confirm?${filter}`);
    expect(confirm).toMatch(/<p id="to-do"><strong>3<\/strong> FAILED notifications to .*\/hooks\/…\.<\/p>/);
    const done = await http()
      .post(`${BASE}/notifications/resend?${filter}`)
      .set(AUTH)
      .set('Origin', origin)
      .expect(303);
    expect(done.headers.location).toBe(`${BASE}/notifications?resent=3`);
    expect(await page('/notifications?resent=3')).toContain('Re-sent 3 notifications.');
    for (const subject of ['order-1', 'order-2', 'order-3']) await statusIs(subject, 'DELIVERED');
    const after = await page('/notifications');
    expect([countOf(after, 'DELIVERED'), countOf(after, 'FAILED')]).toEqual([4, 0]);
    expect(await attemptsOf('order-2')).toEqual([
      ...Array.from({ length: 3 }, () => ({ status_code: 503, error: 'http_status' })),
      { status_code: 200, error: null },
    ]);
    // Nothing the filter takes is left.
    expect(await page(`/notifications/confirm?${filter}`)).toContain('<strong>0</strong>');
  });

  it('refuses to re-send a PENDING notification, one or by filter, and leaves it on its ladder', async () => {
    await record('pending-1', `${slow.origin}/hook`);
    await waitFor(async () => (await attemptsOf('pending-1')).length === 1, { description: 'first attempt failed' });
    const before = await rowOf('pending-1');
    expect(before.status).toBe('PENDING');
    const id = String(before.id);

    expect(await page(`/notifications/${id}`)).not.toContain('id="resend"');
    const refused = await http().post(`${BASE}/notifications/${id}/resend`).set(AUTH).set('Origin', origin).expect(409);
    expect(refused.text).toContain(`notification ${id} is PENDING`);
    await http().get(`${BASE}/notifications/confirm?status=PENDING`).set(AUTH).expect(400);
    await http().post(`${BASE}/notifications/resend?status=PENDING`).set(AUTH).set('Origin', origin).expect(400);
    // Without a status, a filter takes only the finished ones.
    expect(await page('/notifications/confirm?subject=pending-1')).toContain('<strong>0</strong>');
    const none = await http()
      .post(`${BASE}/notifications/resend?subject=pending-1`)
      .set(AUTH)
      .set('Origin', origin)
      .expect(303);
    expect(none.headers.location).toBe(`${BASE}/notifications?resent=0`);
    expect(await rowOf('pending-1')).toEqual(before);
    expect(slow.state.received).toBe(1);
  });

  it('pages 50 at a time by id, newest first, each row once', async () => {
    for (let i = 0; i < 55; i++) {
      await sql(
        `INSERT INTO txmsg_notification (notification_id, subject, type, target_url, body, status, finished_at)
         VALUES (?, 'paged', 'test.paged', ?, '{}', 'DELIVERED', CURRENT_TIMESTAMP)`,
        [`paged-${i}`, `${flaky.origin}/paged`],
        db.name,
      );
    }
    const first = await page('/notifications?subject=paged');
    const next = /id="next-page" href="([^"]+)"/.exec(first)![1].replace(/&amp;/g, '&');
    expect(next).toMatch(/^\/txmsg\/console\/notifications\?subject=paged&after=\d+$/);
    const second = await page(next.slice(BASE.length));
    const ids = [...listed(first), ...listed(second)];
    expect([listed(first).length, listed(second).length]).toEqual([50, 5]);
    expect(second).not.toContain('id="next-page"');
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(55);
  });

  it.each([
    ['/notifications?status=BOGUS', 'status must be one of PENDING, DELIVERED, FAILED'],
    ['/notifications?receiver=ftp://x', 'receiver must be the start of a URL'],
    ['/notifications?receiver=http://127.0.0.1/hooks?token=s', 'without ? or #'],
    ['/notifications?subject=a&subject=b', 'subject must be given once'],
    ['/notifications?after=abc', 'after must be a notification id'],
    ['/notifications?after=99999999999999999999', 'after must be a notification id'],
    ['/notifications/abc', 'id must be a notification id'],
    ['/notifications/confirm?status=BOGUS', 'status must be one of'],
  ])('answers 400 to %s, saying why', async (path, message) => {
    const answer = await http().get(`${BASE}${path}`).set(AUTH).expect(400);
    expect(answer.text).toContain(message);
  });

  it('answers 400 to a bad filter of a bulk re-send, 404 to an unknown id, and changes nothing', async () => {
    await statusIs('order-1', 'DELIVERED');
    const before = await sql('SELECT id, status, attempts FROM txmsg_notification ORDER BY id', [], db.name);
    for (const path of [
      '/notifications/resend?status=BOGUS',
      '/notifications/resend?receiver=nope',
      '/notifications/x/resend',
    ]) {
      await http().post(`${BASE}${path}`).set(AUTH).set('Origin', origin).expect(400);
    }
    await http().post(`${BASE}/notifications/999999/resend`).set(AUTH).set('Origin', origin).expect(404);
    await http().get(`${BASE}/notifications/999999`).set(AUTH).expect(404);
    // From another site's page: refused before anything is read.
    await http().post(`${BASE}/notifications/resend`).set(AUTH).set('Origin', 'http://evil.example').expect(403);
    expect(await sql('SELECT id, status, attempts FROM txmsg_notification ORDER BY id', [], db.name)).toEqual(before);
  });

  it('answers 401 to every page and action without the token, and takes none of them', async () => {
    const id = String((await rowOf('order-1')).id);
    const before = await sql(
      'SELECT id, status, attempts, next_attempt_at FROM txmsg_notification ORDER BY id',
      [],
      db.name,
    );
    const pages = ['/notifications', '/notifications?status=FAILED', `/notifications/${id}`, '/notifications/confirm'];
    const actions = [`/notifications/${id}/resend`, '/notifications/resend', '/notifications/resend?status=DELIVERED'];
    for (const auth of [{}, { Authorization: 'Bearer wrong' }, { Cookie: 'txmsg_console=forged' }]) {
      for (const path of pages) {
        const answer = await http().get(`${BASE}${path}`).set(auth);
        expect([path, answer.status]).toEqual([path, 401]);
        expect(answer.text).toContain('name="token"');
      }
      for (const path of actions) {
        const answer = await http().post(`${BASE}${path}`).set(auth).set('Origin', origin);
        expect([path, answer.status]).toEqual([path, 401]);
      }
    }
    expect(
      await sql('SELECT id, status, attempts, next_attempt_at FROM txmsg_notification ORDER BY id', [], db.name),
    ).toEqual(before);
  });
});

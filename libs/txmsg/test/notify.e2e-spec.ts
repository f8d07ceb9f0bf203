import type { INestApplication } from '@nestjs/common';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { HttpNotifier, verifyWebhook } from '../src';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { NotifyingService } from './support/fixtures';
import { createTestDatabase, createVhost, DB, dialect, sql } from './support/infra';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/** What a scripted receiver does with one request: answer a status, redirect, or never answer. */
type Step = number | 'hang' | { redirectTo: string };

/** A receiver answering from its `script` (then 200), verifying each signature with its own `key`. */
async function receiver(key = `whsec_${randomBytes(24).toString('base64')}`) {
  const state = { script: [] as Step[], received: [] as Received[] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      let verified = true;
      try {
        verifyWebhook(key, req.headers, body);
      } catch {
        verified = false;
      }
      state.received.push({ headers: req.headers, body, verified });
      const step = state.script.shift() ?? 200;
      if (step === 'hang') return;
      if (typeof step === 'object') res.writeHead(302, { location: step.redirectTo });
      else res.statusCode = step;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  /** Listens on a new path per test, so each test counts only its own requests. */
  const use = (script: Step[]) => {
    state.script = script;
    state.received = [];
    return `${origin}/notify`;
  };
  const close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return { origin, port, key, use, received: () => state.received, close };
}

// One application for the file: the receivers exist first, so that it can be told which ones it
// may notify, each with its own key; each test has its own subject and resets the receiver it uses.
describe('Best-effort HTTP notification', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let notifier: HttpNotifier;
  let target: Awaited<ReturnType<typeof receiver>>;
  let elsewhere: Awaited<ReturnType<typeof receiver>>;
  let loopback: Awaited<ReturnType<typeof receiver>>;
  /** Allowed under /hooks/ only: its other paths are not a receiver's. */
  let hooks: Awaited<ReturnType<typeof receiver>>;
  let closedOrigin: string;
  const database = `http://${DB.host}:${DB.port}`;

  beforeAll(async () => {
    [target, elsewhere, loopback, hooks] = await Promise.all([receiver(), receiver(), receiver(), receiver()]);
    const closed = await receiver();
    await closed.close(); // its port now refuses connections
    closedOrigin = closed.origin;
    db = await createTestDatabase('notify');
    vhost = await createVhost('notify');
    const secrets = {
      [target.origin]: target.key,
      [elsewhere.origin]: elsewhere.key,
      [closedOrigin]: 'closed-receiver-key',
      [database]: 'database-receiver-key',
      [`http://localhost:${loopback.port}`]: loopback.key, // a name that resolves to 127.0.0.1 (and ::1)
      [`${hooks.origin}/hooks/`]: hooks.key,
    };
    app = await startTestApp({ database: db.name, uri: vhost.uri, txmsg: { notify: { secrets } } });
    notifier = app.get(HttpNotifier);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([target, elsewhere, loopback, hooks].map((r) => r?.close()));
    await vhost?.remove();
    await db?.drop();
  });

  const record = (id: string, url: string, failAfterWrite = false) =>
    app.get(NotifyingService).record(id, url, failAfterWrite);
  const notificationsOf = async (subject: string) =>
    sql<unknown[]>('SELECT * FROM txmsg_notification WHERE subject = ?', [subject], db.name);

  it('retries on the ladder until the receiver answers 2xx, records every attempt, then stops', async () => {
    await record('n1', target.use([500, 500]));
    await waitFor(async () => (await notifier.list('n1'))[0]?.status === 'DELIVERED', { description: 'delivered' });
    const [delivered] = await notifier.list('n1');
    expect(delivered.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(delivered.attempts.map((a) => a.error)).toEqual(['http_status', 'http_status', null]);
    expect(target.received()).toHaveLength(3);
    expect(target.received().every((r) => r.verified)).toBe(true);
    expect(new Set(target.received().map((r) => r.headers['webhook-id']))).toEqual(new Set([delivered.id]));
    expect(JSON.parse(target.received()[0].body)).toMatchObject({
      id: delivered.id,
      type: 'test.thing.recorded',
      data: { id: 'n1', amount: '10.00' },
    });
    // Nothing more is sent once delivered, even after another scan.
    await notifier.deliverDue();
    expect(target.received()).toHaveLength(3);
  });

  it('gives up after the last rung, keeps the record, and can re-send on demand', async () => {
    await record('n2', target.use([503, 503, 503, 503]));
    await waitFor(async () => (await notifier.list('n2'))[0]?.status === 'FAILED', { description: 'given up' });
    expect((await notifier.list('n2'))[0].attempts).toHaveLength(4);
    expect(await notifier.resend('n2')).toBe(1);
    await waitFor(async () => (await notifier.list('n2'))[0]?.status === 'DELIVERED', { description: 're-sent' });
    expect(target.received()).toHaveLength(5);
  });

  it('sends nothing when the business transaction rolls back', async () => {
    await expect(record('n3', target.use([]), true)).rejects.toThrow();
    await notifier.deliverDue();
    expect(await notificationsOf('n3')).toHaveLength(0);
    expect(target.received()).toHaveLength(0);
  });

  it('refuses to enqueue for an origin nobody allowed, or with a user in the URL, and records nothing', async () => {
    const stranger = await receiver();
    try {
      const url = stranger.use([]);
      expect(notifier.refusalOf(url)).toMatchObject({ reason: 'not_allowed', origin: stranger.origin });
      expect(notifier.refusalOf(`http://user:pw@${target.origin.slice('http://'.length)}/`)).toMatchObject({
        reason: 'userinfo',
      });
      await expect(record('n5', url)).rejects.toThrow(`${stranger.origin} is not an allowed notification receiver`);
      await expect(record('n6', `http://user:pw@${target.origin.slice('http://'.length)}/`)).rejects.toThrow(
        /must not carry a user name or password/,
      );
      expect(await notificationsOf('n5')).toHaveLength(0);
      expect(await notificationsOf('n6')).toHaveLength(0);
      expect(await sql(`SELECT * FROM t_ledger WHERE ${dialect.anyOf('id')}`, [['n5', 'n6']], db.name)).toHaveLength(0);
      await notifier.deliverDue();
      expect(stranger.received()).toHaveLength(0);
    } finally {
      await stranger.close();
    }
  });

  it("signs each receiver's webhooks with that receiver's key, which no other receiver holds", async () => {
    await record('own-key', target.use([]));
    await waitFor(async () => (await notifier.list('own-key'))[0]?.status === 'DELIVERED', {
      description: 'delivered',
    });
    const [webhook] = target.received();

    expect(() => verifyWebhook(target.key, webhook.headers, webhook.body)).not.toThrow();
    // Another receiver cannot make or check this signature: its key is its own.
    expect(() => verifyWebhook(elsewhere.key, webhook.headers, webhook.body)).toThrow(
      'no webhook-signature matches the body',
    );
  });

  it.each([
    ['another path of its origin', '/txmsg/parked/requeue'],
    ['a dot segment', '/hooks/../txmsg/parked/requeue'],
    ['a percent-encoded dot segment', '/hooks/%2e%2e/txmsg/parked/requeue'],
    ['an encoded slash', '/hooks/..%2Ftxmsg/parked/requeue'],
  ])("refuses a URL outside its receiver's path prefix (%s), records nothing and sends nothing", async (_, path) => {
    const url = `${hooks.origin}${path}`;
    hooks.use([]);
    expect(notifier.refusalOf(url)).toMatchObject({ reason: 'outside_path', origin: hooks.origin });
    await expect(record(`outside-${path}`, url)).rejects.toThrow(/is outside the paths of the notification receivers/);
    expect(await notificationsOf(`outside-${path}`)).toHaveLength(0);
    await notifier.deliverDue();
    expect(hooks.received()).toHaveLength(0);
  });

  it('delivers under the path prefix, signed with its key', async () => {
    hooks.use([]);
    await record('under-prefix', `${hooks.origin}/hooks/recharge?token=s3cret`);
    await waitFor(async () => (await notifier.list('under-prefix'))[0]?.status === 'DELIVERED', {
      description: 'delivered',
    });
    expect(hooks.received().map((r) => r.verified)).toEqual([true]);
    // What the notifier shows of the URL keeps the path and redacts the token.
    expect((await notifier.list('under-prefix'))[0].url).toBe(`${hooks.origin}/hooks/recharge?[redacted]`);
  });

  it('never connects to a loopback address behind an allowed name, and records refused_address', async () => {
    loopback.use([]);
    await record('n7', `http://localhost:${loopback.port}/notify`);
    await waitFor(async () => ((await notifier.list('n7'))[0]?.attempts.length ?? 0) >= 2, {
      description: 'two attempts',
    });
    const [refused] = await notifier.list('n7');
    expect(refused.status).toBe('PENDING');
    expect(refused.attempts[0]).toMatchObject({ statusCode: null, error: 'refused_address' });
    expect(loopback.received()).toHaveLength(0);
  });

  it('does not follow a redirect: a 3xx is a failed attempt recorded as redirect', async () => {
    const away = elsewhere.use([]);
    await record('n8', target.use([{ redirectTo: away }]));
    await waitFor(async () => (await notifier.list('n8'))[0]?.status === 'DELIVERED', {
      description: 'delivered after the 302',
    });
    const [delivered] = await notifier.list('n8');
    expect(delivered.attempts.map((a) => [a.statusCode, a.error])).toEqual([
      [302, 'redirect'],
      [200, null],
    ]);
    expect(target.received()).toHaveLength(2);
    expect(elsewhere.received()).toHaveLength(0);
  });

  it('records neutral categories, never socket errors or banners: closed port, hanging receiver, a database port', async () => {
    await record('closed', `${closedOrigin}/notify`);
    await record('hanging', target.use(['hang', 'hang', 'hang', 'hang']));
    await record('database', `${database}/`);
    const firstAttempt = async (subject: string) => (await notifier.list(subject))[0]?.attempts[0];
    await waitFor(
      async () => (await firstAttempt('closed')) && (await firstAttempt('hanging')) && (await firstAttempt('database')),
      {
        timeoutMs: 10_000,
        description: 'one attempt each',
      },
    );
    expect(await firstAttempt('closed')).toMatchObject({ statusCode: null, error: 'connect_failed' });
    expect(await firstAttempt('hanging')).toMatchObject({ statusCode: null, error: 'timed_out' });
    expect(await firstAttempt('database')).toMatchObject({ statusCode: null, error: 'not_http' });
    const logged = await sql<{ error: string; last_error: string }[]>(
      `SELECT a.error, n.last_error FROM txmsg_notification_attempt a JOIN txmsg_notification n USING (notification_id)
        WHERE n.subject IN ('closed', 'hanging', 'database')`,
      [],
      db.name,
    );
    for (const { error, last_error } of logged) {
      expect(['connect_failed', 'timed_out', 'not_http']).toContain(error);
      expect(['connect_failed', 'timed_out', 'not_http']).toContain(last_error);
    }
  });
});

// A receiver that takes seconds to answer holds only its own notifications: the sender does not
// wait for its POSTs before sending others', and keeps a bounded number in flight to it.
describe('Best-effort HTTP notification: a slow receiver', () => {
  const SLOW_MS = 5000;
  /** Attempts one receiver origin may have in flight (the sender's bound). */
  const PER_ORIGIN = 8;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let notifier: HttpNotifier;
  let fast: Awaited<ReturnType<typeof receiver>>;
  let slow: Server;
  let slowOrigin: string;
  const slowly = { received: [] as string[], answered: 0 };

  beforeAll(async () => {
    fast = await receiver();
    // The first PER_ORIGIN requests are answered after SLOW_MS, later ones at once.
    slow = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        slowly.received.push(JSON.parse(Buffer.concat(chunks).toString()).data.id);
        const answer = () => {
          slowly.answered += 1;
          res.end();
        };
        if (slowly.received.length <= PER_ORIGIN) setTimeout(answer, SLOW_MS);
        else answer();
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    slowOrigin = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    db = await createTestDatabase('notify_slow');
    vhost = await createVhost('notify_slow');
    const secrets = { [fast.origin]: fast.key, [slowOrigin]: 'slow-receiver-key' };
    // A timeout above the slow receiver's answer: its attempts succeed, late.
    const notify = { secrets, timeoutMs: 3 * SLOW_MS };
    app = await startTestApp({ database: db.name, uri: vhost.uri, txmsg: { notify } });
    notifier = app.get(HttpNotifier);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fast?.close();
    slow?.closeAllConnections();
    await new Promise((resolve) => slow?.close(resolve));
    await vhost?.remove();
    await db?.drop();
  });

  const record = (id: string, url: string) => app.get(NotifyingService).record(id, url);
  const statusOf = async (subject: string) => (await notifier.list(subject))[0]?.status;

  it("delivers another receiver's notifications while the slow one's attempts are in flight", async () => {
    const slowIds = Array.from({ length: PER_ORIGIN + 2 }, (_, i) => `slow-${i}`);
    for (const id of slowIds) await record(id, `${slowOrigin}/hook`);
    await waitFor(async () => slowly.received.length >= PER_ORIGIN, {
      timeoutMs: 3000,
      description: 'the slow receiver holds its first attempts',
    });

    const started = Date.now();
    const fastIds = ['fast-0', 'fast-1', 'fast-2', 'fast-3', 'fast-4'];
    for (const id of fastIds) await record(id, fast.use([]));
    await waitFor(async () => (await Promise.all(fastIds.map(statusOf))).every((s) => s === 'DELIVERED'), {
      timeoutMs: 2000, // well under the slow receiver's SLOW_MS
      description: "the other receiver's notifications delivered during the slow answers",
    });

    expect(Date.now() - started).toBeLessThan(SLOW_MS);
    expect(slowly.answered).toBe(0); // it was all during the slow answers
    expect(fast.received().every((r) => r.verified)).toBe(true);
    // At most PER_ORIGIN in flight to the slow receiver: the rest wait, leased by no one.
    expect(slowly.received).toHaveLength(PER_ORIGIN);

    await waitFor(async () => (await Promise.all(slowIds.map(statusOf))).every((s) => s === 'DELIVERED'), {
      timeoutMs: 4 * SLOW_MS,
      description: "the slow receiver's notifications delivered",
    });
    // Each attempted once, although the sender looked for due rows many times while they ran.
    expect([...slowly.received].sort()).toEqual([...slowIds].sort());
  }, 60_000);
});

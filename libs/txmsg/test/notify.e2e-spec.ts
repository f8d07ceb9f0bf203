import type { INestApplication } from '@nestjs/common';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpNotifier, verifyWebhook } from '../src';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { NotifyingService } from './support/fixtures';
import { createTestDatabase, createVhost, DB, sql } from './support/infra';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/** What a scripted receiver does with one request: answer a status, redirect, or never answer. */
type Step = number | 'hang' | { redirectTo: string };

/** A receiver answering from a script (then 200), verifying each signature. */
async function receiver(script: Step[]) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      let verified = true;
      try {
        verifyWebhook('test-notify-secret', req.headers, body);
      } catch {
        verified = false;
      }
      received.push({ headers: req.headers, body, verified });
      const step = script.shift() ?? 200;
      if (step === 'hang') return;
      if (typeof step === 'object') res.writeHead(302, { location: step.redirectTo });
      else res.statusCode = step;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return { url: `${origin}/notify`, origin, port, received, close };
}

describe('Best-effort HTTP notification', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication | undefined;

  /** Starts the app with the receivers it may notify. */
  async function start(allowedOrigins: string[]) {
    app = await startTestApp({ database: db.name, uri: vhost.uri, txmsg: { notify: { allowedOrigins } } });
    return { notifier: app.get(HttpNotifier), record: (id: string, url: string) => app!.get(NotifyingService).record(id, url) };
  }

  beforeEach(async () => {
    db = await createTestDatabase('notify');
    vhost = await createVhost('notify');
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await vhost.remove();
    await db.drop();
  });

  it('retries on the ladder until the receiver answers 2xx, records every attempt, then stops', async () => {
    const target = await receiver([500, 500]);
    try {
      const { notifier, record } = await start([target.origin]);
      await record('n1', target.url);
      await waitFor(async () => (await notifier.list('n1'))[0]?.status === 'DELIVERED', { description: 'delivered' });
      const [delivered] = await notifier.list('n1');
      expect(delivered.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
      expect(delivered.attempts.map((a) => a.error)).toEqual(['http_status', 'http_status', null]);
      expect(target.received).toHaveLength(3);
      expect(target.received.every((r) => r.verified)).toBe(true);
      expect(new Set(target.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([delivered.id]));
      expect(JSON.parse(target.received[0].body)).toMatchObject({
        id: delivered.id,
        type: 'test.thing.recorded',
        data: { id: 'n1', amount: '10.00' },
      });
      // Nothing more is sent once delivered, even after another scan.
      await notifier.deliverDue();
      expect(target.received).toHaveLength(3);
    } finally {
      await target.close();
    }
  });

  it('gives up after the last rung, keeps the record, and can re-send on demand', async () => {
    const target = await receiver([503, 503, 503, 503]);
    try {
      const { notifier, record } = await start([target.origin]);
      await record('n2', target.url);
      await waitFor(async () => (await notifier.list('n2'))[0]?.status === 'FAILED', { description: 'given up' });
      expect((await notifier.list('n2'))[0].attempts).toHaveLength(4);
      expect(await notifier.resend('n2')).toBe(1);
      await waitFor(async () => (await notifier.list('n2'))[0]?.status === 'DELIVERED', { description: 're-sent' });
      expect(target.received).toHaveLength(5);
    } finally {
      await target.close();
    }
  });

  it('sends nothing when the business transaction rolls back', async () => {
    const target = await receiver([]);
    try {
      await start([target.origin]);
      await expect(app!.get(NotifyingService).record('n3', target.url, true)).rejects.toThrow();
      await app!.get(HttpNotifier).deliverDue();
      expect(await sql('SELECT * FROM txmsg_notification', [], db.name)).toHaveLength(0);
      expect(target.received).toHaveLength(0);
    } finally {
      await target.close();
    }
  });

  it('refuses to enqueue for an origin nobody allowed, or with a user in the URL, and records nothing', async () => {
    const target = await receiver([]);
    try {
      const { notifier, record } = await start(['http://127.0.0.1:1']);
      expect(notifier.refusalOf(target.url)).toMatchObject({ reason: 'not_allowed', origin: target.origin });
      expect(notifier.refusalOf(`http://user:pw@127.0.0.1:1/`)).toMatchObject({ reason: 'userinfo' });
      await expect(record('n5', target.url)).rejects.toThrow(`${target.origin} is not an allowed notification receiver`);
      await expect(record('n6', 'http://user:pw@127.0.0.1:1/')).rejects.toThrow(/must not carry a user name or password/);
      expect(await sql('SELECT * FROM txmsg_notification', [], db.name)).toHaveLength(0);
      expect(await sql('SELECT * FROM t_ledger', [], db.name)).toHaveLength(0);
      await notifier.deliverDue();
      expect(target.received).toHaveLength(0);
    } finally {
      await target.close();
    }
  });

  it('never connects to a loopback address behind an allowed name, and records refused_address', async () => {
    const target = await receiver([]);
    try {
      const named = `http://localhost:${target.port}`; // resolves to 127.0.0.1 (and ::1)
      const { notifier, record } = await start([named]);
      await record('n7', `${named}/notify`);
      await waitFor(async () => ((await notifier.list('n7'))[0]?.attempts.length ?? 0) >= 2, { description: 'two attempts' });
      const [refused] = await notifier.list('n7');
      expect(refused.status).toBe('PENDING');
      expect(refused.attempts[0]).toMatchObject({ statusCode: null, error: 'refused_address' });
      expect(target.received).toHaveLength(0);
    } finally {
      await target.close();
    }
  });

  it('does not follow a redirect: a 3xx is a failed attempt recorded as redirect', async () => {
    const elsewhere = await receiver([]);
    const target = await receiver([{ redirectTo: elsewhere.url }]);
    try {
      const { notifier, record } = await start([target.origin, elsewhere.origin]);
      await record('n8', target.url);
      await waitFor(async () => (await notifier.list('n8'))[0]?.status === 'DELIVERED', { description: 'delivered after the 302' });
      const [delivered] = await notifier.list('n8');
      expect(delivered.attempts.map((a) => [a.statusCode, a.error])).toEqual([
        [302, 'redirect'],
        [200, null],
      ]);
      expect(target.received).toHaveLength(2);
      expect(elsewhere.received).toHaveLength(0);
    } finally {
      await target.close();
      await elsewhere.close();
    }
  });

  it('records neutral categories, never socket errors or banners: closed port, hanging receiver, a database port', async () => {
    const closed = await receiver([]);
    await closed.close(); // its port now refuses connections
    const hanging = await receiver(['hang', 'hang', 'hang', 'hang']);
    const database = `http://${DB.host}:${DB.port}`;
    try {
      const { notifier, record } = await start([closed.origin, hanging.origin, database]);
      await record('closed', closed.url);
      await record('hanging', hanging.url);
      await record('database', `${database}/`);
      const firstAttempt = async (subject: string) => (await notifier.list(subject))[0]?.attempts[0];
      await waitFor(async () => (await firstAttempt('closed')) && (await firstAttempt('hanging')) && (await firstAttempt('database')), {
        timeoutMs: 10_000,
        description: 'one attempt each',
      });
      expect(await firstAttempt('closed')).toMatchObject({ statusCode: null, error: 'connect_failed' });
      expect(await firstAttempt('hanging')).toMatchObject({ statusCode: null, error: 'timed_out' });
      expect(await firstAttempt('database')).toMatchObject({ statusCode: null, error: 'not_http' });
      const logged = await sql<{ error: string; last_error: string }[]>(
        `SELECT a.error, n.last_error FROM txmsg_notification_attempt a JOIN txmsg_notification n USING (notification_id)`,
        [],
        db.name,
      );
      for (const { error, last_error } of logged) {
        expect(['connect_failed', 'timed_out', 'not_http']).toContain(error);
        expect(['connect_failed', 'timed_out', 'not_http']).toContain(last_error);
      }
    } finally {
      await hanging.close();
    }
  });
});

import type { INestApplication } from '@nestjs/common';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpNotifier, verifyWebhook } from '../src';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { NotifyingService } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/** A receiver answering from a script of status codes (then 200), verifying each signature. */
async function receiver(script: number[]) {
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
      res.statusCode = script.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('Best-effort HTTP notification', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;

  beforeEach(async () => {
    db = await createTestDatabase('notify');
    vhost = await createVhost('notify');
    app = await startTestApp({ database: db.name, uri: vhost.uri });
  });

  afterEach(async () => {
    await app.close();
    await vhost.remove();
    await db.drop();
  });

  it('retries on the ladder until the receiver answers 2xx, records every attempt, then stops', async () => {
    const target = await receiver([500, 500]);
    try {
      await app.get(NotifyingService).record('n1', target.url);
      const notifier = app.get(HttpNotifier);
      await waitFor(async () => (await notifier.list('n1'))[0]?.status === 'DELIVERED', { description: 'delivered' });
      const [record] = await notifier.list('n1');
      expect(record.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
      expect(record.attempts.map((a) => a.error)).toEqual(['receiver answered 500', 'receiver answered 500', null]);
      expect(target.received).toHaveLength(3);
      expect(target.received.every((r) => r.verified)).toBe(true);
      expect(new Set(target.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([record.id]));
      expect(JSON.parse(target.received[0].body)).toMatchObject({
        id: record.id,
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
      await app.get(NotifyingService).record('n2', target.url);
      const notifier = app.get(HttpNotifier);
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
      await expect(app.get(NotifyingService).record('n3', target.url, true)).rejects.toThrow();
      await app.get(HttpNotifier).deliverDue();
      expect(await sql('SELECT * FROM txmsg_notification', [], db.name)).toHaveLength(0);
      expect(target.received).toHaveLength(0);
    } finally {
      await target.close();
    }
  });

  it('records an unreachable receiver as a failed attempt and retries', async () => {
    const closed = await receiver([]);
    await closed.close(); // its port now refuses connections
    await app.get(NotifyingService).record('n4', closed.url);
    const notifier = app.get(HttpNotifier);
    await waitFor(async () => ((await notifier.list('n4'))[0]?.attempts.length ?? 0) >= 2, { description: 'two attempts' });
    const [record] = await notifier.list('n4');
    expect(record.status).toBe('PENDING');
    expect(record.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringContaining('ECONNREFUSED') });
  });
});

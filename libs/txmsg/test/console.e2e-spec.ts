import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE, THING_HAPPENED, ThingConsumer } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

const TOKEN = 'test-admin-token';
const BASE = '/txmsg/console';

/** An application page where the console would be. */
@Controller('txmsg/console')
class HostPageController {
  @Get()
  page() {
    return 'the host’s own page';
  }
}

describe('Operator console', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;

  beforeAll(async () => {
    db = await createTestDatabase('console');
    vhost = await createVhost('console');
  });

  afterAll(async () => {
    await vhost.remove();
    await db.drop();
  });

  describe('where it is not mounted', () => {
    it.each([
      ['the console option is off', {}],
      ['no admin token is configured', { admin: {}, console: true }],
      ['the admin API is off', { admin: false as const, console: true }],
    ])('answers 404 on every page when %s', async (_, txmsg) => {
      const app = await startTestApp({
        database: db.name,
        uri: vhost.uri,
        txmsg: { relay: { enabled: false }, ...txmsg },
      });
      try {
        for (const path of ['', '/login', '/failures', '/failures/1']) {
          await request(app.getHttpServer()).get(`${BASE}${path}`).set('Authorization', `Bearer ${TOKEN}`).expect(404);
        }
        await request(app.getHttpServer()).post(`${BASE}/login`).send({ token: TOKEN }).expect(404);
      } finally {
        await app.close();
      }
    });

    it('refuses to start when an application route takes a console route, saying how to move it', async () => {
      await expect(
        startTestApp({
          database: db.name,
          uri: vhost.uri,
          modules: [HostPageModule],
          txmsg: { relay: { enabled: false }, console: true },
        }),
      ).rejects.toThrow(/GET \/txmsg\/console .*HostPageController\.page.*console: \{ path: 'ops\/console' \}/);
    });
  });

  describe('when mounted', () => {
    let app: INestApplication;
    let consumer: ThingConsumer;
    let probe: BrokerProbe;
    let origin: string;

    beforeAll(async () => {
      app = await startTestApp({
        database: db.name,
        uri: vhost.uri,
        consumer: true,
        listen: true,
        txmsg: { console: true },
      });
      consumer = app.get(ThingConsumer);
      probe = await BrokerProbe.open(vhost.uri);
      origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await probe.close();
      await app.close();
    });

    const http = () => request(app.getHttpServer());
    const failureIds = async (status: string) =>
      (
        await sql<{ id: string }[]>(
          'SELECT id FROM txmsg_inbox_failure WHERE status = ? ORDER BY id',
          [status],
          db.name,
        )
      ).map((row) => String(row.id));
    const times = async (effect: string) =>
      Number((await sql('SELECT times FROM t_effects WHERE k = ?', [effect], db.name))[0]?.times ?? 0);
    /** Publishes messages the consumer refuses as unrecoverable, and waits until they are parked. */
    const park = async (...ids: string[]) => {
      const before = (await failureIds('PARKED')).length;
      for (const id of ids) {
        consumer.failures.set(id, 'unrecoverable');
        await probe.publish(
          EXCHANGE,
          THING_HAPPENED,
          { id, note: '<b>bold</b> & "quoted"' },
          { messageId: `${id}-msg` },
        );
      }
      await waitFor(async () => (await failureIds('PARKED')).length === before + ids.length, {
        description: `${ids.join(', ')} parked`,
      });
      return (await failureIds('PARKED')).slice(-ids.length);
    };
    const login = async () => {
      const answer = await http()
        .post(`${BASE}/login`)
        .set('Origin', origin)
        .type('form')
        .send({ token: TOKEN })
        .expect(303);
      return String(answer.headers['set-cookie']).split(';')[0];
    };

    it('answers 401 on every page and action without the token, with the login form on a page', async () => {
      const [id] = await park('unauthorised');
      for (const auth of [{}, { Authorization: 'Bearer wrong' }, { Cookie: 'txmsg_console=forged' }]) {
        for (const path of ['', '/failures', `/failures/${id}`, '/failures?status=PARKED']) {
          const page = await http().get(`${BASE}${path}`).set(auth).expect(401);
          expect(page.headers['content-type']).toMatch(/^text\/html/);
          expect(page.text).toContain('name="token"');
        }
        for (const action of ['requeue', 'delete']) {
          await http().post(`${BASE}/failures/${id}/${action}`).set(auth).set('Origin', origin).expect(401);
        }
      }
      expect(await failureIds('PARKED')).toContain(id);
    });

    it('logs in with the admin token: an HttpOnly, SameSite=Strict cookie on the console path, not the token', async () => {
      await http()
        .get(`${BASE}/login`)
        .expect(200)
        .expect('content-type', /^text\/html/);
      const wrong = await http().post(`${BASE}/login`).set('Origin', origin).type('form').send({ token: 'nope' });
      expect(wrong.status).toBe(401);
      expect(wrong.headers['set-cookie']).toBeUndefined();
      const answer = await http()
        .post(`${BASE}/login`)
        .set('Origin', origin)
        .type('form')
        .send({ token: TOKEN })
        .expect(303);
      expect(answer.headers.location).toBe(BASE);
      const [cookie] = answer.headers['set-cookie'] as unknown as string[];
      expect(cookie).toMatch(/^txmsg_console=[\w-]{20,};/);
      expect(cookie).toContain('; HttpOnly');
      expect(cookie).toContain('; SameSite=Strict');
      expect(cookie).toContain(`; Path=${BASE};`);
      expect(cookie).not.toContain(TOKEN);
      await http().get(BASE).set('Cookie', cookie.split(';')[0]).expect(200);
      // A login posted from another site is refused.
      await http()
        .post(`${BASE}/login`)
        .set('Origin', 'https://evil.example')
        .type('form')
        .send({ token: TOKEN })
        .expect(403);
    });

    it('shows parked messages on the overview, the list and the message page, every value escaped', async () => {
      const [id] = await park('shown');
      const cookie = await login();
      await waitFor(async () => (await http().get(BASE).set('Cookie', cookie)).text.includes('UNRECOVERABLE'), {
        description: 'the overview shows the parked message',
      });
      const overview = await http().get(BASE).set('Cookie', cookie).expect(200);
      expect(overview.text).toContain('Oldest unpublished message');
      expect(overview.text).toMatch(/setInterval\(.*5000\)/);
      expect(overview.headers['content-security-policy']).toContain("default-src 'none'");

      const list = await http()
        .get(`${BASE}/failures?status=PARKED&consumer=ThingConsumer.onThing`)
        .set('Cookie', cookie);
      expect(list.status).toBe(200);
      expect(list.text).toContain(`href="${BASE}/failures/${id}"`);
      const none = await http().get(`${BASE}/failures?consumer=nobody`).set('Cookie', cookie).expect(200);
      expect(none.text).toContain('No failed message matches.');
      const found = await http()
        .get(`${BASE}/failures?status=&consumer=&search=shown-msg`)
        .set('Cookie', cookie)
        .expect(200);
      expect(found.text).toContain(`href="${BASE}/failures/${id}"`);
      expect(found.text).not.toContain('unauthorised-msg');

      const message = await http().get(`${BASE}/failures/${id}`).set('Authorization', `Bearer ${TOKEN}`).expect(200);
      expect(message.text).toContain('payload shown is not acceptable');
      // The stack of what the handler threw, down to the handler (support/fixtures.ts).
      expect(message.text).toMatch(
        /<pre id="stack">UnrecoverableMessageError: payload shown is not acceptable\n\s+at .*fixtures\.ts:\d+/,
      );
      expect(message.text).toContain(
        '&quot;note&quot;: &quot;&lt;b&gt;bold&lt;/b&gt; &amp; \\&quot;quoted\\&quot;&quot;',
      );
      expect(message.text).not.toContain('<b>bold</b>');
      expect(message.text).toContain('shown-msg');
      await http().get(`${BASE}/failures/999999999`).set('Cookie', cookie).expect(404);
      await http().get(`${BASE}/failures/x`).set('Cookie', cookie).expect(400);
    });

    it('requeues a parked message from its page, and it is applied once', async () => {
      const [id] = await park('fixed');
      const cookie = await login();
      // Another site's form, with the operator's cookie, changes nothing.
      await http()
        .post(`${BASE}/failures/${id}/requeue`)
        .set('Cookie', cookie)
        .set('Origin', 'https://evil.example')
        .expect(403);
      expect(await failureIds('PARKED')).toContain(id);

      consumer.failures.delete('fixed');
      const answer = await http()
        .post(`${BASE}/failures/${id}/requeue`)
        .set('Cookie', cookie)
        .set('Origin', origin)
        .set('Referer', `${origin}${BASE}/failures/${id}`)
        .expect(303);
      expect(answer.headers.location).toBe(`${BASE}/failures/${id}?requeued=1`);
      await waitFor(async () => (await times('thing:fixed')) === 1, { description: 'the requeued message applied' });
      await waitFor(async () => !(await failureIds('WAITING')).includes(id), { description: 'its failure row gone' });
      await http().get(`${BASE}/failures/${id}`).set('Cookie', cookie).expect(404);
      expect(await times('thing:fixed')).toBe(1);
    });

    it('deletes a parked message from its page', async () => {
      const [id] = await park('unwanted');
      const cookie = await login();
      const answer = await http()
        .post(`${BASE}/failures/${id}/delete`)
        .set('Cookie', cookie)
        .set('Origin', origin)
        .expect(303);
      expect(answer.headers.location).toBe(`${BASE}/failures?deleted=1`);
      expect(await failureIds('PARKED')).not.toContain(id);
      const list = await http().get(answer.headers.location).set('Cookie', cookie).expect(200);
      expect(list.text).toContain('Deleted 1 message.');
    });
  });
});

@Module({ controllers: [HostPageController] })
class HostPageModule {}

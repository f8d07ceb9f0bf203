import { waitFor } from '@txmsg/nestjs/testing';
import { connect } from 'node:net';
import { startBanks } from './support/banks';
import { expectRefusal } from './support/refusals';
import type { ServiceProcess } from './support/service-process';
import { TestStack } from './support/test-stack';

// What every service's HTTP side does against a hostile client: bodies nested deep enough to
// overflow validation, clients that flood the endpoints doing work on their behalf, and clients
// that trickle a request byte by byte to hold connections open.
describe('HTTP hardening of the four services', () => {
  const TOKEN = 'http-hardening-admin-token';
  const LIMIT = 3;
  let stack: TestStack;
  let services: Record<'bank1' | 'bank2' | 'pay' | 'account', ServiceProcess>;

  beforeAll(async () => {
    stack = await TestStack.create('http_hardening');
    const hardened = { RATE_LIMIT: `${LIMIT}/1m`, HTTP_REQUEST_TIMEOUT: '2s', TXMSG_ADMIN_TOKEN: TOKEN };
    const [banks, pay] = await Promise.all([startBanks(stack, hardened), stack.start('pay', hardened)]);
    const account = await stack.start('account', {
      ...hardened,
      PAY_URL: pay.url,
      PAY_ADMIN_TOKEN: TOKEN,
      NOTIFY_SECRET: 'hardening',
      RECONCILE_AFTER: '1h',
      RECONCILE_DEADLINE: '2h',
    });
    services = { ...banks, pay, account };
  }, 120_000);

  afterAll(() => stack?.destroy());

  describe('JSON nesting', () => {
    const deep = (levels: number) => `{"a":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
    const admin = { authorization: `Bearer ${TOKEN}` };
    const posts = [
      ['bank1', '/transfers', {}],
      ['bank2', '/txmsg/parked/requeue', admin],
      ['pay', '/recharges', {}],
      ['pay', '/recharges/tx-1/notify', admin],
      ['account', '/recharges', {}],
      ['account', '/recharges/tx-1/reconcile', {}],
      ['account', '/notifications/recharge', {}],
    ] as const;

    it.each(posts)(
      '%s POST %s refuses a body nested 5000 levels deep with 400 saying so',
      async (service, path, headers) => {
        const reply = await services[service].request('POST', path, deep(5000), {
          'content-type': 'application/json',
          ...headers,
        });
        expectRefusal(reply, 400, /^request body must not be nested more than 32 levels deep$/);
      },
    );

    it('lets 32 levels through to the handler, and no more', async () => {
      // The webhook is not rate limited, and refuses an unsigned body with 401 once it gets it.
      const post = (body: string) =>
        services.account.request('POST', '/notifications/recharge', body, { 'content-type': 'application/json' });
      expectRefusal(await post(deep(32)), 401, /^webhook refused: /);
      expectRefusal(await post(deep(33)), 400, /^request body must not be nested more than 32 levels deep$/);
    });
  });

  describe(`rate limits (RATE_LIMIT=${LIMIT}/1m)`, () => {
    const limited = [
      [
        'bank1',
        '/transfers',
        { fromAccountNo: '1', toAccountNo: '2', amount: '1.00' },
        'SELECT COUNT(*) AS n FROM transfer',
      ],
      ['pay', '/recharges', { accountNo: '1', amount: '1.00' }, 'SELECT COUNT(*) AS n FROM recharge'],
      ['account', '/recharges', { accountNo: '1', amount: '1.00' }, 'SELECT COUNT(*) AS n FROM recharge'],
      ['account', '/recharges/no-such-tx/reconcile', undefined, 'SELECT COUNT(*) AS n FROM recharge'],
    ] as const;

    it.each(limited)(
      '%s POST %s answers 429 with Retry-After past the limit, and does nothing for it',
      async (service, path, body, countSql) => {
        const target = services[service];
        for (let i = 0; i < LIMIT; i++) expect((await target.request('POST', path, body)).status).not.toBe(429);
        const rows = async () => Number((await stack.query(target.env.DB_NAME, countSql))[0].n);
        const before = await rows();

        const response = await fetch(`${target.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });

        expect(response.status).toBe(429);
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(60);
        expect(await response.json()).toEqual({
          statusCode: 429,
          error: 'Too Many Requests',
          message: expect.stringMatching(/^too many requests from this client; retry after \d+ s$/),
        });
        expect(await rows()).toBe(before);
      },
    );

    it("leaves reads and pay's signed webhooks unlimited", async () => {
      for (let i = 0; i < LIMIT + 2; i++) {
        expect((await services.account.get('/accounts/1')).status).toBe(200);
        expect((await services.pay.get('/recharges/no-such-tx')).status).toBe(404);
        // Unsigned, so refused by the signature check, which costs no database work.
        expect((await services.account.post('/notifications/recharge', { id: 'x' })).status).toBe(401);
      }
    });
  });

  describe('slow clients (HTTP_REQUEST_TIMEOUT=2s)', () => {
    /** Sends a request line, then one header byte per second; resolves what came back once the server closed. */
    async function trickle(service: ServiceProcess) {
      const socket = connect(Number(new URL(service.url).port), '127.0.0.1');
      const state = { closed: false, received: '', startedAt: Date.now(), closedAfterMs: 0 };
      socket.on('data', (chunk) => (state.received += chunk.toString()));
      socket.on('error', () => undefined); // a reset after the 408 is a close too
      socket.on('close', () => Object.assign(state, { closed: true, closedAfterMs: Date.now() - state.startedAt }));
      socket.write('POST /transfers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      const drip = setInterval(() => socket.writable && socket.write('a'), 1000);
      try {
        await waitFor(() => state.closed, {
          timeoutMs: 10_000,
          description: `${service.service} closing a trickling connection`,
        });
      } finally {
        clearInterval(drip);
        socket.destroy();
      }
      return state;
    }

    it.each(['bank1', 'bank2', 'pay', 'account'] as const)(
      '%s answers 408 and closes a connection that trickles its headers',
      async (name) => {
        const { received, closedAfterMs } = await trickle(services[name]);
        expect(received).toMatch(/^HTTP\/1\.1 408 /);
        expect(closedAfterMs).toBeGreaterThanOrEqual(1500);
      },
    );
  });
});

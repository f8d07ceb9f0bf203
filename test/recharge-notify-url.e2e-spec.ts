import { waitFor } from '@txmsg/nestjs/testing';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { ServiceProcess } from './support/service-process';
import { adminHeader, TestStack } from './support/test-stack';

/** An HTTP listener on 127.0.0.1 that records what reaches it and answers `answer(request)`. */
async function listener(answer: (headers: IncomingHttpHeaders, body: string) => number = () => 200) {
  const received: { headers: IncomingHttpHeaders; body: string; status: number }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const status = answer(req.headers, body);
      received.push({ headers: req.headers, body, status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

// pay POSTs webhooks only to receivers its operator allowed (NOTIFY_SECRETS), compared as
// canonical origins, and connects only to public addresses unless an allowed origin
// names the address itself: a caller cannot point pay at its own network.
describe('recharge notifyUrl: only allowed receivers, never an internal address', () => {
  const WHSEC = `whsec_${randomBytes(32).toString('base64')}`;
  let stack: TestStack;
  let pay: ServiceProcess;
  let loopback: Awaited<ReturnType<typeof listener>>;
  let standard: Awaited<ReturnType<typeof listener>>;

  beforeAll(async () => {
    loopback = await listener();
    // A receiver that verifies with the reference Standard Webhooks library, as a merchant would.
    standard = await listener((headers, body) => {
      try {
        new Webhook(WHSEC).verify(body, headers as Record<string, string>);
        return 200;
      } catch {
        return 401;
      }
    });
    stack = await TestStack.create('notify_url');
    pay = await stack.start('pay', {
      // An allowed *name* for the loopback listener: allowed as an origin, refused as an address.
      NOTIFY_SECRETS: `http://localhost:${loopback.port}=loopback-notify-key,http://127.0.0.1:${standard.port}=${WHSEC}`,
      RETRY_LADDER: '200ms,400ms',
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
    await loopback?.close();
    await standard?.close();
  });

  const count = async (table: string) =>
    Number((await stack.query(pay.env.DB_NAME, `SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  it.each([
    [
      'the plain loopback origin',
      (p: number) => `http://127.0.0.1:${p}/hook`,
      /^pay does not notify http:\/\/127\.0\.0\.1:\d+: it is not an allowed receiver/,
    ],
    [
      'a hexadecimal IPv4',
      (p: number) => `http://0x7f000001:${p}/hook`,
      /^pay does not notify http:\/\/127\.0\.0\.1:\d+: it is not an allowed receiver/,
    ],
    [
      'an IPv4-mapped IPv6',
      (p: number) => `http://[::ffff:127.0.0.1]:${p}/hook`,
      /^pay does not notify http:\/\/\[::ffff:7f00:1\]:\d+: it is not an allowed/,
    ],
    [
      'the unspecified address',
      (p: number) => `http://0.0.0.0:${p}/hook`,
      /^pay does not notify http:\/\/0\.0\.0\.0:\d+: it is not an allowed receiver/,
    ],
    [
      'an upper-case scheme',
      (p: number) => `HTTP://127.0.0.1:${p}/hook`,
      /^pay does not notify http:\/\/127\.0\.0\.1:\d+: it is not an allowed receiver/,
    ],
    [
      'a backslash before @',
      (p: number) => `http://a\\@127.0.0.1:${p}/hook`,
      /^pay does not notify http:\/\/a: it is not an allowed receiver/,
    ],
    [
      'userinfo on an allowed origin',
      (p: number) => `http://user:pw@localhost:${p}/hook`,
      /^notifyUrl must not carry a user name or password$/,
    ],
  ])('refuses %s with 422, records nothing and sends nothing', async (_, spell, message) => {
    const before = { recharges: await count('recharge'), notifications: await count('txmsg_notification') };

    const reply = await pay.post('/recharges', { accountNo: '1', amount: '1.00', notifyUrl: spell(loopback.port) });

    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: expect.stringMatching(message),
    });
    expect({ recharges: await count('recharge'), notifications: await count('txmsg_notification') }).toEqual(before);
  });

  it('accepts an allowed name but never connects to the loopback address it resolves to', async () => {
    const { status, body } = await pay.post('/recharges', {
      accountNo: '1',
      amount: '2.00',
      notifyUrl: `http://localhost:${loopback.port}/hook`,
    });
    expect(status).toBe(201);

    const attempts = await waitFor(
      async () => {
        const [notification] = (await pay.get(`/recharges/${body.txNo}/notifications`, adminHeader())).body
          .notifications;
        return notification?.attempts.length >= 2 ? notification.attempts : undefined;
      },
      { timeoutMs: 15_000, description: 'two attempts' },
    );
    expect(attempts.map((a: { error: string; statusCode: number | null }) => [a.error, a.statusCode])).toEqual([
      ['refused_address', null],
      ['refused_address', null],
    ]);
    expect(loopback.received).toHaveLength(0); // nor did any refused spelling above reach it
  });

  it('signs with a whsec_ secret so that the reference Standard Webhooks library verifies what pay sent', async () => {
    const { body } = await pay.post('/recharges', {
      accountNo: '1',
      amount: '3.00',
      notifyUrl: `http://127.0.0.1:${standard.port}/hook`,
    });

    await waitFor(
      async () =>
        (await pay.get(`/recharges/${body.txNo}/notifications`, adminHeader())).body.notifications[0]?.status ===
        'DELIVERED',
      {
        timeoutMs: 15_000,
        description: 'webhook delivered',
      },
    );
    expect(standard.received.map((r) => r.status)).toEqual([200]);
    expect(JSON.parse(standard.received[0].body)).toMatchObject({
      type: 'pay.recharge.completed',
      data: { txNo: body.txNo, amount: '3.00' },
    });
  });
});

import { verifyWebhook } from '@txmsg/nestjs';
import { waitFor } from '@txmsg/nestjs/testing';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from './support/free-port';
import type { ServiceProcess } from './support/service-process';
import { adminHeader, TestStack } from './support/test-stack';
import { signedWebhook } from './support/webhooks';

/** A webhook receiver on 127.0.0.1 that records what reaches it and answers the statuses of `script` (then 200). */
async function listener(script: number[] = []) {
  const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.statusCode = script.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

// pay's HTTP edge towards hostile callers and receivers: its list and attempt log are an
// operator's (admin token), no answer or log of pay shows a notifyUrl's token, each receiver signs
// with a key of its own and only under its path, and account still pulls pay's list with pay's
// token. pay and account each run in their own process.
describe("pay's recharge edge: admin-only listings, redacted notify URLs, a key and a path per receiver", () => {
  const SECRET = 'e2e-receivers-account-key';
  const KEYS = { a: 'e2e-receiver-a-key', b: 'e2e-receiver-b-key' };
  let stack: TestStack;
  /** A vhost of its own: accounts there hear nothing from pay and only pull its list. */
  let pullStack: TestStack;
  let pay: ServiceProcess;
  let account: ServiceProcess;
  let accountPort: number;
  let a: Awaited<ReturnType<typeof listener>>;
  let b: Awaited<ReturnType<typeof listener>>;

  beforeAll(async () => {
    [stack, pullStack] = await Promise.all([TestStack.create('receivers'), TestStack.create('receivers_pull')]);
    [a, b] = await Promise.all([listener([500]), listener()]);
    accountPort = await freePort();
    pay = await stack.start('pay', {
      NOTIFY_SECRETS: [
        `http://127.0.0.1:${accountPort}/notifications/=${SECRET}`,
        `${a.origin}/hooks/=${KEYS.a}`,
        `${b.origin}/hooks/=${KEYS.b}`,
      ].join(','),
      RETRY_LADDER: '200ms,400ms',
    });
    account = await stack.start(
      'account',
      { PAY_URL: pay.url, NOTIFY_SECRET: SECRET, RECONCILE_AFTER: '1h', RECONCILE_DEADLINE: '2h' },
      accountPort,
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all([stack?.destroy(), pullStack?.destroy()]);
    await Promise.all([a?.close(), b?.close()]);
  });

  const count = async (table: string) =>
    Number((await stack.query(pay.env.DB_NAME, `SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const delivered = (txNo: string) =>
    waitFor(
      async () => {
        const { body } = await pay.get(`/recharges/${txNo}/notifications`, adminHeader());
        return body.notifications?.[0]?.status === 'DELIVERED' && body;
      },
      { timeoutMs: 15_000, description: `the webhook of ${txNo} delivered` },
    );

  it('answers GET /recharges and GET /recharges/:txNo/notifications 401 without the admin token or with a wrong one, 200 with it', async () => {
    const { body } = await pay.post('/recharges', { accountNo: '1', amount: '1.00' });
    const wrong = { authorization: 'Bearer not-the-token' };

    for (const path of ['/recharges?limit=500', '/recharges', `/recharges/${body.txNo}/notifications`]) {
      for (const headers of [{}, wrong, { authorization: 'not-bearer' }]) {
        const reply = await pay.get(path, headers);
        expect({ path, headers, status: reply.status, error: reply.body.error }).toEqual({
          path,
          headers,
          status: 401,
          error: 'Unauthorized',
        });
      }
      expect({ path, status: (await pay.get(path, adminHeader())).status }).toEqual({ path, status: 200 });
    }
    // The reconciliation query API stays open: a receiver that knows a txNo asks about it.
    expect(await pay.get(`/recharges/${body.txNo}`)).toEqual({ status: 200, body });
  });

  it("shows a notifyUrl's query string and fragment in no answer and no log line of pay", async () => {
    const notifyUrl = `${a.origin}/hooks/recharge?token=s3cret#sig-s3cret`;
    const made = await pay.post('/recharges', { accountNo: '1', amount: '2.00', notifyUrl });
    expect(made.status).toBe(201);

    const log = await delivered(made.body.txNo); // after a 500: the notifier logged the failed attempt
    expect(a.received.map((r) => r.url)).toEqual(['/hooks/recharge?token=s3cret', '/hooks/recharge?token=s3cret']);
    expect(log.notifications[0].url).toBe(`${a.origin}/hooks/recharge?[redacted]#[redacted]`);
    const answers = [
      made,
      log,
      await pay.get(`/recharges/${made.body.txNo}`),
      await pay.get('/recharges?limit=500', adminHeader()),
    ];
    for (const answer of answers) expect(JSON.stringify(answer)).not.toContain('s3cret');
    await waitFor(() => pay.logs().includes(`to ${a.origin}/hooks/recharge?[redacted]#[redacted] attempt 1 failed`), {
      description: "the notifier's log of the failed attempt",
    });
    expect(pay.logs()).not.toContain('s3cret');

    const withUser = await pay.post('/recharges', {
      accountNo: '1',
      amount: '2.00',
      notifyUrl: `http://user:s3cret@${a.origin.slice('http://'.length)}/hooks/recharge`,
    });
    expect(withUser.status).toBe(422);
    expect(JSON.stringify(withUser.body)).not.toContain('s3cret');
  });

  it("signs a receiver's webhook with that receiver's key: another receiver's key neither verifies nor forges it", async () => {
    const made = await pay.post('/recharges', { accountNo: '1', amount: '3.00', notifyUrl: `${b.origin}/hooks/pay` });
    await delivered(made.body.txNo);
    const [webhook] = b.received;

    expect(verifyWebhook(KEYS.b, webhook.headers, webhook.body).id).toBe(JSON.parse(webhook.body).id);
    expect(() => verifyWebhook(KEYS.a, webhook.headers, webhook.body)).toThrow('no webhook-signature matches');
    // What receiver A could sign with its own key does not pass as pay's webhook to B, nor to account.
    const forged = signedWebhook(KEYS.a, { ...made.body, amount: '3000.00' });
    expect(() => verifyWebhook(KEYS.b, forged.headers, forged.body)).toThrow('no webhook-signature matches');
    const atAccount = await account.post('/notifications/recharge', forged.body, forged.headers);
    expect(atAccount.status).toBe(401);
  });

  it.each([
    ["account's admin route", (_: string) => `http://127.0.0.1:${accountPort}/txmsg/parked/requeue`],
    ['another path of a receiver', (origin: string) => `${origin}/admin/hooks`],
    ['a dot segment out of the prefix', (origin: string) => `${origin}/hooks/../admin`],
    ['a percent-encoded dot segment', (origin: string) => `${origin}/hooks/%2E%2E/admin`],
    ['an encoded slash', (origin: string) => `${origin}/hooks/..%2Fadmin`],
  ])(
    'refuses with 422 a notifyUrl of an allowed origin outside its receiver path (%s), and records and sends nothing',
    async (_, spell) => {
      const before = { recharges: await count('recharge'), notifications: await count('txmsg_notification') };
      const received = a.received.length;

      const reply = await pay.post('/recharges', { accountNo: '1', amount: '4.00', notifyUrl: spell(a.origin) });

      expect(reply).toEqual({
        status: 422,
        body: {
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: expect.stringMatching(
            /^pay does not notify http:\/\/127\.0\.0\.1:\d+\/\S*: it is outside the paths of the allowed receivers at http:\/\/127\.0\.0\.1:\d+ \(NOTIFY_SECRETS\)$/,
          ),
        },
      });
      expect({ recharges: await count('recharge'), notifications: await count('txmsg_notification') }).toEqual(before);
      expect(a.received).toHaveLength(received);
    },
  );

  it("lets account pull pay's list with pay's admin token, and not without it", async () => {
    const common = { PAY_URL: pay.url, RECONCILE_INTERVAL: '200ms' };
    const [withToken, wrongToken] = await Promise.all([
      pullStack.start('account', { ...common, DB_NAME: pullStack.dbName('account', '_token') }),
      pullStack.start('account', { ...common, DB_NAME: pullStack.dbName('account', '_wrong'), PAY_ADMIN_TOKEN: 'x' }),
    ]);
    const txNo = 'pulled-with-the-token';
    expect((await pay.post('/recharges', { txNo, accountNo: '1', amount: '5.00' })).status).toBe(201);

    const pulled = await waitFor(
      async () => {
        const reply = await withToken.get(`/recharges/${txNo}`);
        return reply.status === 200 && reply.body.status === 'SUCCEEDED' && reply.body;
      },
      { timeoutMs: 20_000, description: 'the recharge pulled from pay' },
    );
    expect(pulled).toMatchObject({ txNo, amount: '5.00', appliedBy: 'reconciler' });
    await waitFor(() => wrongToken.logs().includes('pay answered 401 to a list request'), {
      timeoutMs: 10_000,
      description: 'the pull refused for a wrong token',
    });
    expect((await wrongToken.get(`/recharges/${txNo}`)).status).toBe(404);
  });
});

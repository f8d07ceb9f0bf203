import { waitFor } from '@txmsg/nestjs/testing';
import Decimal from 'decimal.js';
import { publishRaw, queueDepth } from './support/broker';
import { freePort } from './support/free-port';
import { rabbitmqctl } from './support/rabbitmqctl';
import type { ServiceProcess } from './support/service-process';
import { adminHeader, TestStack } from './support/test-stack';
import { signedWebhook } from './support/webhooks';

// The recharge as a user starts it at pay: pay notifies account (MQ and signed
// webhook), and account, which never heard of the recharge, records and credits it once. When no
// notification ever arrives, account's reconciler finds the result in pay's list. Each service
// runs in its own process; account reconciles every 200 ms here.
describe('recharges made at pay: account applies results it never asked for', () => {
  const SECRET = 'e2e-at-pay-secret';
  const TOKEN = 'e2e-at-pay-admin';
  const QUEUE = 'account.apply-on-recharge-completed';
  let stack: TestStack;
  /** A second vhost: accounts there hear nothing from pay and only pull its list. */
  let pullStack: TestStack;
  let pay: ServiceProcess;
  let account: ServiceProcess;
  let accountPort: number;
  let webhookUrl: string;
  const accountEnv = (): Record<string, string> => ({
    PAY_URL: pay.url,
    NOTIFY_SECRET: SECRET,
    TXMSG_ADMIN_TOKEN: TOKEN,
    RETRY_LADDER: '200ms,400ms,800ms',
    RECONCILE_INTERVAL: '200ms',
  });

  beforeAll(async () => {
    [stack, pullStack] = await Promise.all([TestStack.create('at_pay'), TestStack.create('at_pay_pull')]);
    accountPort = await freePort();
    webhookUrl = `http://127.0.0.1:${accountPort}/notifications/recharge`;
    pay = await stack.start('pay', {
      NOTIFY_SECRETS: `http://127.0.0.1:${accountPort}/notifications/=${SECRET}`,
      RECHARGE_LIMIT: '1000.00',
      RETRY_LADDER: '200ms,400ms,800ms',
    });
    account = await stack.start('account', accountEnv(), accountPort);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([stack?.destroy(), pullStack?.destroy()]);
  });

  const balanceAt = async (service: ServiceProcess, accountNo = '1') =>
    new Decimal((await service.get(`/accounts/${accountNo}`)).body.balance);
  const rechargeAt = async (service: ServiceProcess, txNo: string) => (await service.get(`/recharges/${txNo}`)).body;
  const final = (service: ServiceProcess, txNo: string) =>
    waitFor(
      async () => ((await rechargeAt(service, txNo)).status ?? 'PENDING') !== 'PENDING' && rechargeAt(service, txNo),
      {
        timeoutMs: 20_000,
        description: `recharge ${txNo} final at ${service.name}`,
      },
    );
  /** Whether the cursor `service` stored has moved past `txNo` in pay's list: its pull has taken it. */
  async function pulledPast(service: ServiceProcess, txNo: string): Promise<boolean> {
    const [row] = await stack.query(service.env.DB_NAME, 'SELECT position FROM reconcile_cursor');
    if (!row?.position) return false;
    const rest = await pay.get(`/recharges?after=${row.position}&limit=500`, adminHeader());
    return rest.status === 200 && !rest.body.results.some((r: { txNo: string }) => r.txNo === txNo);
  }
  const waitPulledPast = (service: ServiceProcess, txNo: string) =>
    waitFor(() => pulledPast(service, txNo), { timeoutMs: 20_000, description: `${service.name} pulled past ${txNo}` });
  const parked = async () =>
    (await account.request('GET', '/txmsg/parked?limit=1000', undefined, { authorization: `Bearer ${TOKEN}` })).body
      .items as {
      id: string;
      reason: string;
      lastError: string;
      body: string;
    }[];
  const notificationsAt = async (txNo: string) =>
    (await pay.get(`/recharges/${txNo}/notifications`, adminHeader())).body.notifications;

  it('credits a recharge made at pay exactly once, though MQ, the webhook, replays and the pull bring it at once', async () => {
    const before = await balanceAt(account);
    const txNo = 'at-pay-once';
    const record = { txNo, accountNo: '1', amount: '25.00', result: 'success' };

    const [made, ...replays] = await Promise.all([
      pay.post('/recharges', { txNo, accountNo: '1', amount: '25.00', notifyUrl: webhookUrl }),
      ...[1, 2, 3].map(() => {
        const hook = signedWebhook(SECRET, record);
        return account.post('/notifications/recharge', hook.body, hook.headers);
      }),
      publishRaw(stack.rabbitUrl, 'pay.recharge.completed', record, 3).then(() => ({ status: 0 })),
    ]);

    expect(made).toEqual({ status: 201, body: record });
    expect(replays.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
    // Every path has had its go: pay's webhook answered, the queue drained, the pull passed it.
    await waitFor(async () => (await notificationsAt(txNo))[0]?.status === 'DELIVERED', {
      timeoutMs: 20_000,
      description: 'webhook delivered',
    });
    await waitFor(async () => (await queueDepth(stack.vhost, QUEUE)) === 0, {
      timeoutMs: 20_000,
      description: 'queue drained',
    });
    await waitPulledPast(account, txNo);
    expect(await rechargeAt(account, txNo)).toEqual({
      txNo,
      accountNo: '1',
      amount: '25.00',
      status: 'SUCCEEDED',
      appliedBy: expect.stringMatching(/^(mq|webhook|reconciler)$/),
    });
    expect(await balanceAt(account)).toEqual(before.plus('25.00'));
    expect(
      await stack.query(account.env.DB_NAME, 'SELECT COUNT(*) AS n FROM recharge WHERE tx_no = ?', [txNo]),
    ).toEqual([{ n: 1 }]);
  });

  it('records a failed recharge made at pay as FAILED and credits nothing', async () => {
    const before = await balanceAt(account);

    const made = await pay.post('/recharges', {
      txNo: 'at-pay-declined',
      accountNo: '1',
      amount: '1000.01',
      notifyUrl: webhookUrl,
    });

    expect(made.body.result).toBe('fail');
    expect(await final(account, 'at-pay-declined')).toMatchObject({ status: 'FAILED', amount: '1000.01' });
    await waitPulledPast(account, 'at-pay-declined');
    expect(await balanceAt(account)).toEqual(before);
  });

  it('parks, with its reason, a result for an account account does not hold, and credits nothing', async () => {
    const before = await balanceAt(account);
    const txNo = 'at-pay-no-such-account';

    expect(
      (await pay.post('/recharges', { txNo, accountNo: '999', amount: '5.00', notifyUrl: webhookUrl })).status,
    ).toBe(201);

    const parkedMessage = await waitFor(async () => (await parked()).find((m) => m.body.includes(txNo)), {
      timeoutMs: 20_000,
      description: 'MQ notification parked',
    });
    expect(parkedMessage).toMatchObject({
      reason: 'UNRECOVERABLE',
      lastError: expect.stringMatching(/account 999, which account does not hold/),
    });
    // The webhook is refused on every attempt, so pay's record of it shows why.
    const failedWebhook = await waitFor(
      async () =>
        (await notificationsAt(txNo))[0]?.status === 'FAILED' ? (await notificationsAt(txNo))[0] : undefined,
      {
        timeoutMs: 20_000,
        description: 'webhook given up',
      },
    );
    expect(failedWebhook.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([422, 422, 422, 422]);
    // The pull passes it by: one result account cannot apply does not hold back the others.
    await waitPulledPast(account, txNo);
    // Requeued, it is parked again: still nothing to credit.
    const requeued = await account.request('POST', `/txmsg/parked/${parkedMessage.id}/requeue`, undefined, {
      authorization: `Bearer ${TOKEN}`,
    });
    expect(requeued.status).toBe(200);
    await waitFor(async () => (await parked()).some((m) => m.body.includes(txNo)), {
      timeoutMs: 20_000,
      description: 'parked again',
    });
    expect((await account.get(`/recharges/${txNo}`)).status).toBe(404);
    expect((await account.get('/accounts/999')).status).toBe(404);
    expect(await balanceAt(account)).toEqual(before);
  });

  it('credits, by the pull, once, a recharge made while account was down and whose notification was lost', async () => {
    const before = await balanceAt(account);
    await account.stop();
    const txNo = 'at-pay-while-account-down';

    expect((await pay.post('/recharges', { txNo, accountNo: '1', amount: '12.00' })).status).toBe(201);
    await waitFor(async () => (await queueDepth(stack.vhost, QUEUE)) === 1, {
      timeoutMs: 20_000,
      description: 'notification queued',
    });
    await rabbitmqctl('purge_queue', '-p', stack.vhost, QUEUE);
    expect(await queueDepth(stack.vhost, QUEUE)).toBe(0);
    account = await stack.start('account', accountEnv(), accountPort);

    expect(await final(account, txNo)).toEqual({
      txNo,
      accountNo: '1',
      amount: '12.00',
      status: 'SUCCEEDED',
      appliedBy: 'reconciler',
    });
    await waitPulledPast(account, txNo);
    expect(await balanceAt(account)).toEqual(before.plus('12.00'));
  });

  it('credits each result once when two account instances pull pay at the same time', async () => {
    const env = { PAY_URL: pay.url, RECONCILE_INTERVAL: '100ms', DB_NAME: pullStack.dbName('account') };
    const [one, two] = await Promise.all([pullStack.start('account', env), pullStack.start('account', env)]);
    // One after another, while both instances pull every 100 ms: their pulls overlap each other and pay's commits.
    for (let i = 0; i < 20; i++) {
      expect(
        (await pay.post('/recharges', { txNo: `pulled-twice-${i}`, accountNo: '1', amount: `${i + 1}.10` })).status,
      ).toBe(201);
    }

    await Promise.all([one, two].map((instance) => waitPulledPast(instance, 'pulled-twice-19')));

    // Everything pay ever recorded for account 1 (the earlier tests' recharges too), once.
    const all: { txNo: string; amount: string; result: string }[] = [];
    for (let cursor = '', more = true; more;) {
      const { body } = await pay.get(
        `/recharges?accountNo=1&limit=7${cursor ? `&after=${cursor}` : ''}`,
        adminHeader(),
      );
      all.push(...body.results);
      [cursor, more] = [body.nextCursor, body.hasMore];
    }
    const credited = all.filter((r) => r.result === 'success').reduce((sum, r) => sum.plus(r.amount), new Decimal(0));
    expect(await balanceAt(one)).toEqual(new Decimal('10000.00').plus(credited));
    const rows = await pullStack.query(
      env.DB_NAME,
      "SELECT tx_no AS txNo FROM recharge WHERE applied_by = 'reconciler' ORDER BY tx_no",
    );
    expect(rows.map((r) => r.txNo)).toEqual(all.map((r) => r.txNo).sort());
  });
});

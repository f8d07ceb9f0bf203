import { waitFor } from '@txmsg/nestjs/testing';
import Decimal from 'decimal.js';
import { publishRaw, queueDepth } from './support/broker';
import { freePort } from './support/free-port';
import type { ServiceProcess } from './support/service-process';
import { TcpProxy } from './support/tcp-proxy';
import { adminHeader, TestStack } from './support/test-stack';
import { signedWebhook, webhookReceiver } from './support/webhooks';

// pay performs a recharge and notifies account by MQ (scheme 1) and signed webhook
// (scheme 2); account applies each result exactly once, whichever path brings it, however often.
// account reaches pay through a proxy the tests cut to leave a recharge PENDING at will.
describe('recharge notification: pay -> account', () => {
  const SECRET = 'e2e-notify-secret';
  const ADMIN_TOKEN = 'e2e-notify-admin-token';
  const QUEUE = 'account.apply-on-recharge-completed';
  let stack: TestStack;
  let pay: ServiceProcess;
  let account: ServiceProcess;
  let payLink: TcpProxy;
  /** Ports chosen before pay starts, for the receivers pay may notify (NOTIFY_SECRETS). */
  let ports: { account: number; receivers: number[] };
  /** The keys of the two gateway receivers in front of account: each receiver has its own. */
  const GATEWAY_KEYS = ['e2e-gateway-key-0', 'e2e-gateway-key-1'];
  const accountEnv = (): Record<string, string> => ({
    PAY_URL: `http://127.0.0.1:${payLink.port}`,
    PAY_ADMIN_TOKEN: ADMIN_TOKEN,
    NOTIFY_SECRET: SECRET,
    RETRY_LADDER: '300ms,600ms,1s,2s',
    RECONCILE_AFTER: '1h', // only the notification paths in this file
    RECONCILE_DEADLINE: '2h',
    RECONCILE_PULL: 'false',
  });

  beforeAll(async () => {
    stack = await TestStack.create('recharge_notify');
    ports = { account: await freePort(), receivers: [await freePort(), await freePort()] };
    const receivers = [
      `http://127.0.0.1:${ports.account}/notifications/=${SECRET}`,
      ...ports.receivers.map((port, i) => `http://127.0.0.1:${port}/hooks/=${GATEWAY_KEYS[i]}`),
    ];
    pay = await stack.start('pay', {
      NOTIFY_SECRETS: receivers.join(','),
      RECHARGE_LIMIT: '1000.00',
      RETRY_LADDER: '300ms,600ms,1s,2s',
      TXMSG_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    payLink = await TcpProxy.start('127.0.0.1', pay.port);
    account = await stack.start('account', accountEnv(), ports.account);
  }, 120_000);

  afterAll(async () => {
    await payLink?.close();
    await stack?.destroy();
  });

  const balance = async () => new Decimal((await account.get('/accounts/1')).body.balance);
  const recharge = async (txNo: string) => (await account.get(`/recharges/${txNo}`)).body;
  const settled = (txNo: string, status = 'SUCCEEDED') =>
    waitFor(async () => ((await recharge(txNo)).status === status ? recharge(txNo) : undefined), {
      timeoutMs: 20_000,
      description: `recharge ${txNo} ${status}`,
    });
  const notificationsAt = async (txNo: string) =>
    (await pay.get(`/recharges/${txNo}/notifications`, adminHeader(ADMIN_TOKEN))).body.notifications;
  const delivered = (txNo: string) =>
    waitFor(
      async () => ((await notificationsAt(txNo))[0]?.status === 'DELIVERED' ? notificationsAt(txNo) : undefined),
      {
        timeoutMs: 20_000,
        description: `webhook of ${txNo} delivered`,
      },
    );

  /** A recharge account recorded while pay was out of reach: PENDING, unknown to pay. */
  async function pendingRecharge(amount: string): Promise<string> {
    await payLink.down();
    try {
      const { status, body } = await account.post('/recharges', { accountNo: '1', amount });
      expect(status).toBe(202);
      expect(body).toEqual({ txNo: expect.any(String), status: 'PENDING' });
      return body.txNo;
    } finally {
      await payLink.up();
    }
  }

  it('credits the account once when pay succeeds and notifies it by MQ and by signed webhook', async () => {
    const before = await balance();

    const { status, body } = await account.post('/recharges', { accountNo: '1', amount: '50.00' });

    expect(status).toBe(202);
    expect(body).toEqual({ txNo: expect.any(String), status: 'PENDING' });
    const applied = await settled(body.txNo);
    expect(applied).toMatchObject({ txNo: body.txNo, accountNo: '1', amount: '50.00', status: 'SUCCEEDED' });
    expect(['mq', 'webhook']).toContain(applied.appliedBy);
    expect((await pay.get(`/recharges/${body.txNo}`)).body).toEqual({
      txNo: body.txNo,
      accountNo: '1',
      amount: '50.00',
      result: 'success',
    });
    // Both notifications reached account; the second found the recharge final.
    const [webhook] = await delivered(body.txNo);
    expect(webhook).toMatchObject({ url: `${account.url}/notifications/recharge`, type: 'pay.recharge.completed' });
    await waitFor(
      async () =>
        (await stack.query(account.env.DB_NAME, 'SELECT 1 FROM txmsg_dedup WHERE dedup_key = ?', [body.txNo]))
          .length === 1,
      { description: 'MQ notification consumed' },
    );
    expect(await balance()).toEqual(before.plus('50.00'));
  });

  it('records a recharge pay declines as FAILED, notified like any result, and credits nothing', async () => {
    const before = await balance();

    const { body } = await account.post('/recharges', { accountNo: '1', amount: '1500.00' });

    expect(await settled(body.txNo, 'FAILED')).toMatchObject({ amount: '1500.00', status: 'FAILED' });
    expect((await pay.get(`/recharges/${body.txNo}`)).body.result).toBe('fail');
    await delivered(body.txNo);
    expect(await balance()).toEqual(before);
  });

  it('applies one result once, however many times and by however many paths it arrives at once', async () => {
    const txNo = await pendingRecharge('7.77');
    const before = await balance();
    const result = { txNo, accountNo: '1', amount: '7.77', result: 'success' };
    const repeatedId = `wh-${txNo}`;
    const webhooks = [0, 1, 2, 3, 4].map((i) => signedWebhook(SECRET, result, i < 3 ? { id: repeatedId } : {}));

    const replies = await Promise.all([
      pay.post('/recharges', { txNo, accountNo: '1', amount: '7.77' }), // the real MQ notification
      publishRaw(stack.rabbitUrl, 'pay.recharge.completed', result, 5), // replayed messages
      ...webhooks.map((w) => account.post('/notifications/recharge', w.body, w.headers)),
      ...[0, 1, 2, 3, 4].map(() => account.post(`/recharges/${txNo}/reconcile`, undefined)),
    ]);

    for (const reply of replies.slice(2)) expect(reply).toMatchObject({ status: 200 });
    expect(await settled(txNo)).toMatchObject({ status: 'SUCCEEDED' });
    // Every copy is consumed: pay's outbox is published and account's queue is empty.
    await waitFor(
      async () =>
        (await stack.query(pay.env.DB_NAME, "SELECT 1 FROM txmsg_outbox WHERE status <> 'PUBLISHED'")).length === 0 &&
        (await queueDepth(stack.vhost, QUEUE)) === 0,
      { timeoutMs: 15_000, description: 'every MQ copy consumed' },
    );
    expect(await balance()).toEqual(before.plus('7.77'));
    const receipts = await stack.query(
      account.env.DB_NAME,
      'SELECT webhook_id FROM webhook_receipt WHERE subject = ?',
      [txNo],
    );
    expect(receipts).toHaveLength(3); // one id sent three times, two others once
  });

  it('retries a webhook answered 500 twice, records three attempts, applies it once, then stops', async () => {
    const receiver = await webhookReceiver(
      [500, 500],
      () => `${account.url}/notifications/recharge`,
      ports.receivers[0],
      { own: GATEWAY_KEYS[0], forward: SECRET },
    );
    try {
      const txNo = await pendingRecharge('3.00');
      const before = await balance();

      expect(
        (await pay.post('/recharges', { txNo, accountNo: '1', amount: '3.00', notifyUrl: receiver.url })).status,
      ).toBe(201);

      const [notification] = await delivered(txNo);
      expect(notification.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
      expect(notification.attempts.map((a: { error: string | null }) => a.error)).toEqual([
        'http_status',
        'http_status',
        null,
      ]);
      expect(notification).toMatchObject({ url: receiver.url, status: 'DELIVERED', nextAttemptAt: null });
      expect(receiver.received).toHaveLength(3);
      expect(receiver.received.map((r) => r.verified)).toEqual([true, true, true]); // signed with its own key
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([notification.id]));
      expect(await settled(txNo)).toMatchObject({ status: 'SUCCEEDED' });
      expect(await balance()).toEqual(before.plus('3.00'));
    } finally {
      await receiver.close();
    }
  });

  it('re-sends on request with the same webhook id, which account acknowledges as a replay', async () => {
    const receiver = await webhookReceiver([], () => `${account.url}/notifications/recharge`, ports.receivers[1], {
      own: GATEWAY_KEYS[1],
      forward: SECRET,
    });
    try {
      const txNo = await pendingRecharge('4.00');
      await pay.post('/recharges', { txNo, accountNo: '1', amount: '4.00', notifyUrl: receiver.url });
      await delivered(txNo);
      await settled(txNo);
      const before = await balance();

      const path = `/recharges/${txNo}/notify`;
      expect((await pay.post(path, undefined)).status).toBe(401); // an operator action
      expect((await pay.post(path, undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
      expect(receiver.received).toHaveLength(1);

      const resent = await pay.post(path, undefined, { authorization: `Bearer ${ADMIN_TOKEN}` });

      expect(resent).toEqual({ status: 202, body: { txNo, mq: 1, webhooks: 1 } });
      await waitFor(() => receiver.received.length === 2, { description: 'webhook sent again' });
      expect(receiver.received[1].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
      expect(JSON.parse(receiver.received[1].answer!)).toEqual({ received: true, applied: false, replay: true });
      await waitFor(async () => (await queueDepth(stack.vhost, QUEUE)) === 0, { description: 'MQ copy consumed' });
      expect(await balance()).toEqual(before);
    } finally {
      await receiver.close();
    }
  });

  it('refuses unsigned, forged, stale or tampered webhooks with 401 and applies nothing', async () => {
    const txNo = await pendingRecharge('9.00');
    const before = await balance();
    const result = { txNo, accountNo: '1', amount: '9.00', result: 'success' };
    const genuine = signedWebhook(SECRET, result);
    const forged = signedWebhook('not-the-secret', result);
    const stale = signedWebhook(SECRET, result, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    const tampered = { ...genuine, body: genuine.body.replace('"9.00"', '"9000.00"') };
    const { 'webhook-signature': _, ...unsigned } = genuine.headers;

    for (const attempt of [forged, stale, tampered, { body: genuine.body, headers: unsigned }]) {
      const reply = await account.post('/notifications/recharge', attempt.body, attempt.headers);
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({
        statusCode: 401,
        error: 'Unauthorized',
        message: expect.stringMatching(/^webhook refused: /),
      });
    }
    expect(await recharge(txNo)).toMatchObject({ status: 'PENDING', appliedBy: null });
    expect(await balance()).toEqual(before);
    expect(
      await stack.query(account.env.DB_NAME, 'SELECT 1 FROM webhook_receipt WHERE subject = ?', [txNo]),
    ).toHaveLength(0);

    const accepted = await account.post('/notifications/recharge', genuine.body, genuine.headers);
    const replayed = await account.post('/notifications/recharge', genuine.body, genuine.headers);

    expect(accepted).toEqual({ status: 200, body: { received: true, applied: true, replay: false } });
    expect(replayed).toEqual({ status: 200, body: { received: true, applied: false, replay: true } });
    expect(await recharge(txNo)).toMatchObject({ status: 'SUCCEEDED', appliedBy: 'webhook' });
    expect(await balance()).toEqual(before.plus('9.00'));
  });

  it('refuses a correctly signed webhook whose body is not a recharge result with 400', async () => {
    const txNo = await pendingRecharge('2.00');
    const bad = signedWebhook(SECRET, { txNo, accountNo: '1', amount: '-2.00', result: 'maybe' });

    const reply = await account.post('/notifications/recharge', bad.body, bad.headers);

    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/amount must be greater than 0.*result must be "success" or "fail"/);
    expect(await recharge(txNo)).toMatchObject({ status: 'PENDING' });
  });

  it('applies a result pay sent while account was down, from the queue, once account is back', async () => {
    const txNo = await pendingRecharge('5.00');
    const before = await balance();
    const webhookUrl = `${account.url}/notifications/recharge`;
    await account.stop();

    expect((await pay.post('/recharges', { txNo, accountNo: '1', amount: '5.00', notifyUrl: webhookUrl })).status).toBe(
      201,
    );
    const failedAttempt = await waitFor(async () => (await notificationsAt(txNo))[0]?.attempts[0], {
      description: 'a webhook attempt while account is down',
    });
    expect(failedAttempt).toMatchObject({ statusCode: null, error: 'connect_failed' });

    // On another port, so that only the MQ notification can reach it.
    account = await stack.start('account', { ...accountEnv(), DB_NAME: account.env.DB_NAME });

    expect(await settled(txNo)).toMatchObject({ status: 'SUCCEEDED', appliedBy: 'mq' });
    expect(await balance()).toEqual(before.plus('5.00'));
  });
});

import { waitFor } from '@txmsg/nestjs/testing';
import Decimal from 'decimal.js';
import type { ServiceProcess } from './support/service-process';
import { TcpProxy } from './support/tcp-proxy';
import { TestStack } from './support/test-stack';

// When no notification arrives, account asks pay's query API: pay always knows the result.
// To prove that path alone applied a result, account runs on another RabbitMQ vhost than pay and
// gives pay no notifyUrl: pay's MQ notifications never reach it and no webhook is sent. Each
// account instance has its own database; they reach pay through proxies the tests cut.
describe('recharge reconciliation: account asks pay', () => {
  let payStack: TestStack;
  let accountStack: TestStack;
  let pay: ServiceProcess;
  /** Reconciles only when asked (POST /recharges/:txNo/reconcile). */
  let manual: ServiceProcess;
  /** Reconciles by itself, quickly. */
  let scheduled: ServiceProcess;
  /** Gives pay a notifyUrl of a receiver pay was not told of, so pay refuses every request; short deadline. */
  let refused: ServiceProcess;
  let manualLink: TcpProxy;
  let scheduledLink: TcpProxy;
  let refusedLink: TcpProxy;

  beforeAll(async () => {
    [payStack, accountStack] = await Promise.all([TestStack.create('recon_pay'), TestStack.create('recon_account')]);
    pay = await payStack.start('pay');
    [manualLink, scheduledLink, refusedLink] = await Promise.all(
      [1, 2, 3].map(() => TcpProxy.start('127.0.0.1', pay.port)),
    );
    const accountAt = (suffix: string, link: TcpProxy, env: Record<string, string>) =>
      accountStack.start('account', {
        DB_NAME: accountStack.dbName('account', suffix),
        PAY_URL: `http://127.0.0.1:${link.port}`,
        RECONCILE_PULL: 'false', // the per-recharge query alone; pulling pay's list is tested on its own
        ...env,
      });
    [manual, scheduled, refused] = await Promise.all([
      accountAt('_m', manualLink, { RECONCILE_AFTER: '1h', RECONCILE_DEADLINE: '2h' }),
      accountAt('_s', scheduledLink, { RECONCILE_AFTER: '500ms', RECONCILE_INTERVAL: '200ms' }),
      accountAt('_r', refusedLink, {
        NOTIFY_SECRET: 'pay-does-not-have-this-key',
        RECONCILE_AFTER: '200ms',
        RECONCILE_INTERVAL: '200ms',
        RECONCILE_DEADLINE: '2s',
      }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([manualLink?.close(), scheduledLink?.close(), refusedLink?.close()]);
    await Promise.all([payStack?.destroy(), accountStack?.destroy()]);
  });

  const balanceAt = async (account: ServiceProcess) => new Decimal((await account.get('/accounts/1')).body.balance);
  const rechargeAt = async (account: ServiceProcess, txNo: string) => (await account.get(`/recharges/${txNo}`)).body;

  /** A recharge account recorded while its link to pay was cut: PENDING, unknown to pay. */
  async function pendingRecharge(account: ServiceProcess, link: TcpProxy, amount: string): Promise<string> {
    await link.down();
    try {
      const { status, body } = await account.post('/recharges', { accountNo: '1', amount });
      expect({ status, body }).toEqual({ status: 202, body: { txNo: expect.any(String), status: 'PENDING' } });
      return body.txNo;
    } finally {
      await link.up();
    }
  }

  it('applies, by querying pay, a result whose notification never reached account', async () => {
    const txNo = await pendingRecharge(manual, manualLink, '20.00');
    const before = await balanceAt(manual);
    expect((await pay.get(`/recharges/${txNo}`)).status).toBe(404);
    // pay performs it (its answer to account and its notification are what got lost).
    expect((await pay.post('/recharges', { txNo, accountNo: '1', amount: '20.00' })).body.result).toBe('success');
    expect(await rechargeAt(manual, txNo)).toMatchObject({ status: 'PENDING' });

    const reconciled = await manual.post(`/recharges/${txNo}/reconcile`, undefined);

    expect(reconciled).toEqual({
      status: 200,
      body: { txNo, accountNo: '1', amount: '20.00', status: 'SUCCEEDED', appliedBy: 'reconcile' },
    });
    expect(await balanceAt(manual)).toEqual(before.plus('20.00'));
    const again = await Promise.all([1, 2, 3].map(() => manual.post(`/recharges/${txNo}/reconcile`, undefined)));
    expect(again.map((r) => r.body.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(await balanceAt(manual)).toEqual(before.plus('20.00'));
  });

  it('sends pay a request it never received again when reconciling, and applies the result on the next query', async () => {
    const txNo = await pendingRecharge(manual, manualLink, '30.00');
    const before = await balanceAt(manual);

    const first = await manual.post(`/recharges/${txNo}/reconcile`, undefined);

    expect(first).toMatchObject({ status: 200, body: { status: 'PENDING', appliedBy: null } });
    expect((await pay.get(`/recharges/${txNo}`)).body).toEqual({
      txNo,
      accountNo: '1',
      amount: '30.00',
      result: 'success',
    });
    const second = await manual.post(`/recharges/${txNo}/reconcile`, undefined);
    expect(second).toMatchObject({ status: 200, body: { status: 'SUCCEEDED', appliedBy: 'reconcile' } });
    expect(await balanceAt(manual)).toEqual(before.plus('30.00'));
  });

  it('answers 503 and keeps the recharge PENDING while pay cannot be asked', async () => {
    const txNo = await pendingRecharge(manual, manualLink, '1.00');
    await manualLink.down();
    try {
      const reply = await manual.post(`/recharges/${txNo}/reconcile`, undefined);

      expect(reply.status).toBe(503);
      expect(reply.body).toMatchObject({
        error: 'Service Unavailable',
        message: expect.stringMatching(/^pay could not be asked/),
      });
      expect(await rechargeAt(manual, txNo)).toMatchObject({ status: 'PENDING' });
    } finally {
      await manualLink.up();
    }
  });

  it('refuses with 409 and applies nothing when pay reports another amount for the txNo', async () => {
    const txNo = await pendingRecharge(manual, manualLink, '10.00');
    const before = await balanceAt(manual);
    await pay.post('/recharges', { txNo, accountNo: '1', amount: '11.00' });

    const reply = await manual.post(`/recharges/${txNo}/reconcile`, undefined);

    expect(reply.status).toBe(409);
    expect(await rechargeAt(manual, txNo)).toMatchObject({ status: 'PENDING' });
    expect(await balanceAt(manual)).toEqual(before);
  });

  it('finishes by itself a recharge made while pay was down, once pay is back', async () => {
    await scheduledLink.down();
    const before = await balanceAt(scheduled);
    const { body } = await scheduled.post('/recharges', { accountNo: '1', amount: '40.00' });
    // The reconciler asks while pay is unreachable, and leaves the recharge PENDING.
    await waitFor(
      async () =>
        (await scheduled.get(`/recharges/${body.txNo}`)).body.status === 'PENDING' &&
        (
          await accountStack.query(scheduled.env.DB_NAME, 'SELECT checked_at FROM recharge WHERE tx_no = ?', [
            body.txNo,
          ])
        )[0]?.checked_at,
      { description: 'a reconciliation attempt while pay is down' },
    );
    expect((await pay.get(`/recharges/${body.txNo}`)).status).toBe(404);

    await scheduledLink.up();

    const done = await waitFor(
      async () =>
        (await rechargeAt(scheduled, body.txNo)).status === 'SUCCEEDED' ? rechargeAt(scheduled, body.txNo) : undefined,
      { timeoutMs: 15_000, description: 'recharge finished by the reconciler' },
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED', appliedBy: 'reconciler' });
    expect((await pay.get(`/recharges/${body.txNo}`)).body.result).toBe('success');
    expect(await balanceAt(scheduled)).toEqual(before.plus('40.00'));
  });

  it('fails, after RECONCILE_DEADLINE, a recharge pay still does not know, and credits nothing', async () => {
    const before = await balanceAt(refused);

    const { status, body } = await refused.post('/recharges', { accountNo: '1', amount: '60.00' });

    expect(status).toBe(202);
    const failed = await waitFor(
      async () =>
        (await rechargeAt(refused, body.txNo)).status === 'FAILED' ? rechargeAt(refused, body.txNo) : undefined,
      { timeoutMs: 15_000, description: 'recharge failed at the deadline' },
    );
    expect(failed).toMatchObject({ status: 'FAILED', appliedBy: 'deadline' });
    expect((await pay.get(`/recharges/${body.txNo}`)).status).toBe(404);
    expect(refused.logs()).toMatch(/pay refused recharge .* \(422\).*not an allowed receiver/);
    expect(await balanceAt(refused)).toEqual(before);
  });
});

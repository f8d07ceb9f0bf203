import { waitFor } from '@txmsg/nestjs/testing';
import Decimal from 'decimal.js';
import { balanceOf, FAST_BANK_ENV, postTransfer, totalBalance, waitForTransfer } from './support/banks';
import { freePort } from './support/free-port';
import type { ServiceProcess } from './support/service-process';
import { adminHeader, TestStack } from './support/test-stack';

// The services on different database engines in one system, as the mixed demo runs them: bank1
// and pay on MariaDB, bank2 and account on PostgreSQL. A transfer crosses engines (MariaDB's
// outbox → bank2's PostgreSQL dedup and credit → bank1's MariaDB completion or refund), and so
// does a recharge (account's PostgreSQL → pay's MariaDB and its notifications back).
describe('services on MariaDB and PostgreSQL together', () => {
  const SECRET = 'e2e-mixed-notify-secret';
  let stack: TestStack;
  let bank1: ServiceProcess;
  let bank2: ServiceProcess;
  let pay: ServiceProcess;
  let account: ServiceProcess;

  beforeAll(async () => {
    stack = await TestStack.create('mixed', undefined, {
      bank1: 'mysql',
      bank2: 'postgres',
      pay: 'mysql',
      account: 'postgres',
    });
    const accountPort = await freePort();
    [bank1, bank2, pay] = await Promise.all([
      stack.start('bank1', FAST_BANK_ENV),
      stack.start('bank2', FAST_BANK_ENV),
      stack.start('pay', {
        NOTIFY_SECRETS: `http://127.0.0.1:${accountPort}/notifications/=${SECRET}`,
        RECHARGE_LIMIT: '1000.00',
        RETRY_LADDER: '200ms,400ms,800ms',
      }),
    ]);
    account = await stack.start(
      'account',
      { PAY_URL: pay.url, NOTIFY_SECRET: SECRET, RETRY_LADDER: '200ms,400ms,800ms', RECONCILE_INTERVAL: '300ms' },
      accountPort,
    );
  }, 120_000);

  afterAll(() => stack?.destroy());

  const serverVersion = async (service: ServiceProcess) =>
    (await stack.query(service.env.DB_NAME, 'SELECT VERSION() AS v'))[0].v as string;
  const bankTotal = async () =>
    new Decimal(await totalBalance(stack, bank1.env.DB_NAME)).plus(await totalBalance(stack, bank2.env.DB_NAME));

  it('runs each service on the engine it was given', async () => {
    expect(await serverVersion(bank1)).toMatch(/MariaDB|^\d/);
    expect(await serverVersion(pay)).not.toMatch(/PostgreSQL/);
    expect(await serverVersion(bank2)).toMatch(/^PostgreSQL/);
    expect(await serverVersion(account)).toMatch(/^PostgreSQL/);
  });

  it('completes transfers from bank1 on MariaDB to bank2 on PostgreSQL, refunds one bank2 rejects, and conserves the money', async () => {
    const before = await bankTotal();
    const before1 = new Decimal(await balanceOf(bank1, '1'));
    const before2 = new Decimal(await balanceOf(bank2, '2'));
    const amounts = ['100.10', '0.01', '250.00', '33.33', '9.99', '1.00', '500.00', '12.34'];

    // Concurrently, and the first one twice under one Idempotency-Key: one transfer, not two.
    const replies = await Promise.all([
      ...amounts.map((amount, i) =>
        postTransfer(bank1, { fromAccountNo: '1', toAccountNo: '2', amount }, i === 0 ? 'mixed-key-0' : undefined),
      ),
      postTransfer(bank1, { fromAccountNo: '1', toAccountNo: '2', amount: amounts[0] }, 'mixed-key-0'),
      postTransfer(bank1, { fromAccountNo: '1', toAccountNo: '404', amount: '70.00' }),
    ]);
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 202));
    expect(replies[amounts.length].body.txNo).toBe(replies[0].body.txNo);

    const completed = replies.slice(0, amounts.length).map((reply) => reply.body.txNo as string);
    for (const txNo of completed) await waitForTransfer(bank1, txNo, 'COMPLETED', 20_000);
    const refunded = await waitForTransfer(bank1, replies.at(-1)!.body.txNo, 'REFUNDED', 20_000);
    expect(refunded).toMatchObject({ toAccountNo: '404', amount: '70.00' });

    const sent = amounts.reduce((sum, amount) => sum.plus(amount), new Decimal(0));
    expect(await balanceOf(bank1, '1')).toBe(before1.minus(sent).toFixed(2));
    expect(await balanceOf(bank2, '2')).toBe(before2.plus(sent).toFixed(2));
    expect((await bankTotal()).toFixed(2)).toBe(before.toFixed(2));
    const rows = await stack.query(
      bank2.env.DB_NAME,
      'SELECT status, COUNT(*) AS n FROM incoming_transfer GROUP BY status ORDER BY status',
    );
    expect(rows.map((row) => [row.status, row.n])).toEqual([
      ['CREDITED', amounts.length],
      ['REJECTED', 1],
    ]);
  });

  it('completes a recharge account on PostgreSQL asks of pay on MariaDB, notified back and credited once', async () => {
    const before = new Decimal(await balanceOf(account, '1'));
    const asked = await account.post(
      '/recharges',
      { accountNo: '1', amount: '42.50' },
      { 'idempotency-key': 'mixed-r1' },
    );
    expect(asked.status).toBe(202);
    const again = await account.post(
      '/recharges',
      { accountNo: '1', amount: '42.50' },
      { 'idempotency-key': 'mixed-r1' },
    );
    expect(again.body.txNo).toBe(asked.body.txNo);
    const { txNo } = asked.body;

    const applied = await waitFor(
      async () => {
        const { body } = await account.get(`/recharges/${txNo}`);
        return body.status === 'SUCCEEDED' ? body : undefined;
      },
      { timeoutMs: 20_000, description: `recharge ${txNo} SUCCEEDED at account` },
    );
    expect(applied).toMatchObject({ txNo, accountNo: '1', amount: '42.50', appliedBy: expect.any(String) });
    expect((await pay.get(`/recharges/${txNo}`)).body).toEqual({
      txNo,
      accountNo: '1',
      amount: '42.50',
      result: 'success',
    });
    // Both of pay's notifications arrive (MQ and the signed webhook); only one credits.
    await waitFor(
      async () =>
        (await pay.get(`/recharges/${txNo}/notifications`, adminHeader())).body.notifications?.[0]?.status ===
        'DELIVERED',
      { timeoutMs: 20_000, description: 'webhook delivered' },
    );
    expect((await account.post(`/recharges/${txNo}/reconcile`, {})).body.status).toBe('SUCCEEDED');
    expect(await balanceOf(account, '1')).toBe(before.plus('42.50').toFixed(2));
  });

  it("records and credits once a recharge made at pay, which account on PostgreSQL hears of only from pay's result", async () => {
    const before = new Decimal(await balanceOf(account, '1'));
    const made = await pay.post('/recharges', {
      txNo: 'mixed-at-pay',
      accountNo: '1',
      amount: '7.25',
      notifyUrl: `${account.url}/notifications/recharge`,
    });
    expect(made.status).toBe(201);
    await waitFor(async () => (await account.get('/recharges/mixed-at-pay')).body.status === 'SUCCEEDED', {
      timeoutMs: 20_000,
      description: 'recharge made at pay SUCCEEDED at account',
    });
    // The reconciler's pull of pay's list passes it too, without a second credit.
    await waitFor(
      async () => {
        const [row] = await stack.query(account.env.DB_NAME, 'SELECT position FROM reconcile_cursor');
        return row?.position !== null && row?.position !== undefined;
      },
      { timeoutMs: 20_000, description: "account's cursor in pay's list moved" },
    );
    expect(await balanceOf(account, '1')).toBe(before.plus('7.25').toFixed(2));
    expect(
      await stack.query(account.env.DB_NAME, 'SELECT COUNT(*) AS n FROM recharge WHERE tx_no = ?', ['mixed-at-pay']),
    ).toEqual([{ n: 1 }]);
  });
});

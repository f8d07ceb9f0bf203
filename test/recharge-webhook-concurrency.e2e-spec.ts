import { BrokerTestClient, waitFor } from '@txmsg/nestjs/testing';
import Decimal from 'decimal.js';
import { createConnection } from 'mysql2/promise';
import { randomUUID } from 'node:crypto';
import { queueDepth } from './support/broker';
import type { ServiceProcess } from './support/service-process';
import { TestStack } from './support/test-stack';
import { signedWebhook } from './support/webhooks';
import { TEST_PRODUCER_KEY } from './support/message-keys';

// pay notifies many results for one account at once (a merchant's batch, a backlog after an
// outage), by MQ and by signed webhook. Each credits the same account row, and the MQ consumer
// applies many results in one transaction, so webhook and consumer transactions deadlock; the
// webhook's must run again, not answer pay 500 and leave the result to pay's retry ladder.
describe('concurrent signed webhooks for one account', () => {
  const SECRET = 'webhook-concurrency-secret';
  const RECHARGES = 40;
  let stack: TestStack;
  let account: ServiceProcess;

  beforeAll(async () => {
    stack = await TestStack.create('webhook_concurrency');
    // pay is never reached (nothing listens on port 9), so every recharge stays PENDING until a
    // webhook settles it; no MQ notification and no reconciliation competes with the webhooks.
    account = await stack.start('account', {
      PAY_URL: 'http://127.0.0.1:9',
      NOTIFY_SECRET: SECRET,
      RECONCILE_AFTER: '1h',
      RECONCILE_DEADLINE: '2h',
    });
  }, 120_000);

  afterAll(() => stack?.destroy());

  /** pay's MQ notifications of `results` (routing key pay.recharge.completed), all at once. */
  async function publishResults(results: object[]): Promise<void> {
    const broker = await BrokerTestClient.open(stack.rabbitUrl, { signWith: TEST_PRODUCER_KEY });
    try {
      const options = () => ({
        contentType: 'application/json',
        messageId: randomUUID(),
        type: 'pay.recharge.completed',
      });
      const messages = results.map((result) => ({ body: result, options: options() }));
      await broker.publishMany('txmsg.events', 'pay.recharge.completed', messages);
    } finally {
      await broker.close();
    }
  }

  const balance = async () => new Decimal((await account.get('/accounts/1')).body.balance);

  it('answers every one 2xx and credits each recharge exactly once', async () => {
    const amounts = Array.from({ length: RECHARGES }, (_, i) => `${i + 1}.${String(i % 100).padStart(2, '0')}`);
    const recharges = await Promise.all(
      amounts.map(async (amount) => {
        const reply = await account.post('/recharges', { accountNo: '1', amount });
        expect(reply.status).toBe(202);
        return { txNo: reply.body.txNo as string, accountNo: '1', amount, result: 'success' as const };
      }),
    );
    const before = await balance();

    // Each result by MQ, then at once by webhook in the opposite order (the consumer works from the
    // first result on), each webhook twice (pay sends it again when an answer is lost).
    await publishResults(recharges);
    const webhooks = recharges.map((result) => signedWebhook(SECRET, result)).reverse();
    const replies = await Promise.all(
      [...webhooks, ...webhooks].map(({ headers, body }) =>
        account.request('POST', '/notifications/recharge', body, { ...headers, 'content-type': 'application/json' }),
      ),
    );
    await waitFor(async () => (await queueDepth(stack.vhost, 'account.apply-on-recharge-completed')) === 0, {
      timeoutMs: 15_000,
      description: 'every MQ copy consumed',
    });

    expect(replies.map(({ status, body }) => `${status} ${body?.message ?? ''}`.trim())).toEqual(
      replies.map(() => '200'),
    );
    const views = await Promise.all(recharges.map(({ txNo }) => account.get(`/recharges/${txNo}`)));
    expect(views.map(({ body }) => body.status)).toEqual(recharges.map(() => 'SUCCEEDED'));
    const sum = amounts.reduce((total, amount) => total.plus(amount), new Decimal(0));
    expect((await balance()).toFixed(2)).toBe(before.plus(sum).toFixed(2));
  });

  it('runs a webhook the database chose as a deadlock victim again, answering 200 and crediting once', async () => {
    const reply = await account.post('/recharges', { accountNo: '1', amount: '7.00' });
    const result = { txNo: reply.body.txNo as string, accountNo: '1', amount: '7.00', result: 'success' as const };
    const before = await balance();
    // A transaction that holds the account row, then asks for the recharge row the webhook has
    // locked meanwhile: a deadlock. Its 20 extra rows make it the heavier one, so InnoDB rolls
    // back the webhook's transaction, as it does when a consumer's batch holds the account.
    const rival = await createConnection({ ...stackServer(), database: account.env.DB_NAME });
    try {
      await rival.query('BEGIN');
      for (let i = 0; i < 20; i++)
        await rival.query("INSERT INTO webhook_receipt (webhook_id, type, subject) VALUES (?, 'rival', 'rival')", [
          `rival-${i}`,
        ]);
      await rival.query("UPDATE account_info SET balance = balance + 0 WHERE account_no = '1'");
      const { headers, body } = signedWebhook(SECRET, result);
      const answer = account.request('POST', '/notifications/recharge', body, {
        ...headers,
        'content-type': 'application/json',
      });
      await waitFor(async () => (await lockWaits()) > 0, {
        timeoutMs: 10_000,
        description: 'the webhook waiting for the account row',
      });
      await rival.query('UPDATE recharge SET checked_at = NOW(3) WHERE tx_no = ?', [result.txNo]); // closes the cycle
      await rival.query('ROLLBACK');

      expect(await answer).toMatchObject({ status: 200, body: { received: true, applied: true, replay: false } });
    } finally {
      await rival.end();
    }
    expect((await account.get(`/recharges/${result.txNo}`)).body).toMatchObject({
      status: 'SUCCEEDED',
      appliedBy: 'webhook',
    });
    expect((await balance()).toFixed(2)).toBe(before.plus('7.00').toFixed(2));
  });

  /**
   * Statements of this test's account database updating the account row. The rival is idle while
   * it holds the row, so any such statement is one waiting for it. The process list, not
   * information_schema.innodb_trx: on MariaDB 10.11.19 the latter left out the waiting webhook's
   * transaction that SHOW ENGINE INNODB STATUS listed as LOCK WAIT.
   */
  async function lockWaits(): Promise<number> {
    const [row] = await stack.query<{ n: number }>(
      account.env.DB_NAME,
      `SELECT COUNT(*) AS n FROM information_schema.processlist
        WHERE db = ? AND command = 'Query' AND info LIKE 'UPDATE \`account_info\`%'`,
      [account.env.DB_NAME],
    );
    return Number(row.n);
  }

  function stackServer() {
    const { DB_HOST, DB_PORT, DB_USER, DB_PASSWORD } = account.env;
    return { host: DB_HOST, port: Number(DB_PORT), user: DB_USER, password: DB_PASSWORD };
  }
});

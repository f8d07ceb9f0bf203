import { waitFor } from '@txmsg/nestjs/testing';
import {
  balanceOf,
  type Banks,
  FAST_BANK_ENV,
  lockAccount,
  minus,
  plus,
  postTransfer,
  restart,
  startBanks,
  times,
  waitForTransfer,
} from './support/banks';
import { type StackEngines, type TestEngine, TestStack } from './support/test-stack';

// bank1 killed (-9) at the moments that put a transfer at risk, and local transactions that
// stall. After restart, a committed transfer is credited exactly once, and one that never
// committed is neither debited nor sent. Both banks on MariaDB, then both on PostgreSQL: a killed
// session and a transaction stalled on a row lock end differently on the two engines.
const body = { fromAccountNo: '1', toAccountNo: '2', amount: '100.00' };

const ENGINES: [string, TestEngine][] = [
  ['MariaDB', 'mysql'],
  ['PostgreSQL', 'postgres'],
];

describe.each(ENGINES)('on %s', (_, engine) => {
  const banksOn: StackEngines = { bank1: engine, bank2: engine };

  describe('transfer across a bank1 crash before its relay could publish', () => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await TestStack.create('transfer_unsent', undefined, banksOn);
    });

    afterAll(() => stack?.destroy());

    it('delivers a committed transfer whose message was not yet published when bank1 was killed', async () => {
      // bank2 has never run in this vhost: no queue is bound for the message yet, so the relay cannot
      // have sent it (unroutable is not sent) when bank1 dies.
      let bank1 = await stack.start('bank1', FAST_BANK_ENV);
      const outbox = () => stack.query(bank1.env.DB_NAME, 'SELECT status, attempts, last_error FROM txmsg_outbox');
      const accepted = await postTransfer(bank1, body);
      expect(accepted.status).toBe(202);
      await waitFor(async () => (await outbox())[0]?.attempts >= 1, {
        description: 'the relay tried and found no queue',
      });
      expect(await outbox()).toEqual([
        { status: 'READY', attempts: expect.any(Number), last_error: expect.stringContaining('no queue is bound') },
      ]);

      await bank1.kill('SIGKILL');
      const bank2 = await stack.start('bank2', FAST_BANK_ENV);
      bank1 = await restart(stack, bank1);

      await waitForTransfer(bank1, accepted.body.txNo, 'COMPLETED');
      const credited = await stack.query(bank2.env.DB_NAME, 'SELECT tx_no FROM incoming_transfer');
      expect(credited).toEqual([{ tx_no: accepted.body.txNo }]);
      expect(await balanceOf(bank2, '2')).toBe('100.00');
      expect(await balanceOf(bank1, '1')).toBe('9900.00');
    });
  });

  describe('transfer across bank1 crashes and stalls', () => {
    let stack: TestStack;
    let banks: Banks;

    beforeAll(async () => {
      stack = await TestStack.create('transfer_crash', undefined, banksOn);
      banks = await startBanks(stack);
    });

    afterAll(() => stack?.destroy());

    const outbox = () =>
      stack.query(banks.bank1.env.DB_NAME, 'SELECT status, last_error FROM txmsg_outbox ORDER BY id');
    const creditCount = async () =>
      Number((await stack.query(banks.bank2.env.DB_NAME, 'SELECT COUNT(*) AS n FROM incoming_transfer'))[0].n);
    const transferCount = async () =>
      Number((await stack.query(banks.bank1.env.DB_NAME, 'SELECT COUNT(*) AS n FROM transfer'))[0].n);

    it('credits exactly once transfers whose bank1 was killed right after answering 202', async () => {
      const [balance1, balance2] = [await balanceOf(banks.bank1, '1'), await balanceOf(banks.bank2, '2')];

      const replies = await Promise.all(Array.from({ length: 5 }, () => postTransfer(banks.bank1, body)));
      await banks.bank1.kill('SIGKILL');
      expect(replies.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
      banks.bank1 = await restart(stack, banks.bank1);

      for (const { body: accepted } of replies) await waitForTransfer(banks.bank1, accepted.txNo, 'COMPLETED');
      const credited = await stack.query(banks.bank2.env.DB_NAME, 'SELECT tx_no FROM incoming_transfer');
      expect(credited.map((c) => c.tx_no).sort()).toEqual(replies.map((r) => r.body.txNo).sort());
      expect(await balanceOf(banks.bank2, '2')).toBe(plus(balance2, times('100.00', 5)));
      expect(await balanceOf(banks.bank1, '1')).toBe(minus(balance1, times('100.00', 5)));
    });

    /** bank1's debit of account 1 if it has been waiting on the row lock for `seconds`, from the server's session list. */
    const waitingDebit =
      engine === 'postgres'
        ? `SELECT 1 FROM pg_stat_activity WHERE datname = ? AND query LIKE 'UPDATE account_info%'
           AND wait_event_type = 'Lock' AND statement_timestamp() - query_start >= make_interval(secs => ?)`
        : "SELECT 1 FROM information_schema.processlist WHERE db = ? AND info LIKE 'UPDATE account_info%' AND time >= ?";

    /** Waits until bank1's debit of account 1 has been waiting on the row lock for `seconds`. */
    const debitWaiting = (seconds: number) =>
      waitFor(
        async () =>
          (await stack.query(banks.bank1.env.DB_NAME, waitingDebit, [banks.bank1.env.DB_NAME, seconds])).length === 1,
        { timeoutMs: 15_000, description: `bank1's debit waiting on the locked account for ${seconds} s` },
      );

    it('completes once a transfer whose local transaction stalled past the first check-back delay', async () => {
      const [balance1, credits, messages] = [
        await balanceOf(banks.bank1, '1'),
        await creditCount(),
        (await outbox()).length,
      ];
      const lock = await lockAccount(banks.bank1, '1');
      let reply: ReturnType<typeof postTransfer>;
      try {
        reply = postTransfer(banks.bank1, body);
        await debitWaiting(2); // TXMSG_CHECK_FIRST_AFTER is 1 s: a check-back would have come by now
        expect(await outbox()).toHaveLength(messages); // nothing for a check-back to find: no half-sent state
      } finally {
        await lock.release();
      }

      const accepted = await reply;
      expect(accepted.status).toBe(202);
      await waitForTransfer(banks.bank1, accepted.body.txNo, 'COMPLETED');
      expect(await balanceOf(banks.bank1, '1')).toBe(minus(balance1, '100.00'));
      expect(await creditCount()).toBe(credits + 1);
    });

    it('leaves neither a debit nor a message when bank1 is killed in the middle of a local transaction', async () => {
      const [balance1, transfers, credits, messages] = [
        await balanceOf(banks.bank1, '1'),
        await transferCount(),
        await creditCount(),
        (await outbox()).length,
      ];
      const lock = await lockAccount(banks.bank1, '1');
      try {
        void postTransfer(banks.bank1, body).catch(() => undefined); // never answered: bank1 dies
        await debitWaiting(0);
        await banks.bank1.kill('SIGKILL');
      } finally {
        await lock.release();
      }

      banks.bank1 = await restart(stack, banks.bank1);

      expect(await balanceOf(banks.bank1, '1')).toBe(balance1);
      expect(await transferCount()).toBe(transfers);
      expect(await outbox()).toHaveLength(messages);
      expect(await creditCount()).toBe(credits);
    });
  });
});

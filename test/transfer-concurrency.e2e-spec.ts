import { waitFor } from '@txmsg/nestjs/testing';
import { balanceOf, type Banks, plus, postTransfer, seedAccounts, startBanks, totalBalance } from './support/banks';
import { TestStack } from './support/test-stack';

// Many transfers at once: no account ever overdrawn, every accepted transfer settles, and after
// the system is quiet the money in bank1 and bank2 together is what it was.
describe('concurrent transfers', () => {
  let stack: TestStack;
  let banks: Banks;
  let db1: string;
  let db2: string;

  beforeAll(async () => {
    stack = await TestStack.create('transfer_concurrency');
    banks = await startBanks(stack);
    db1 = banks.bank1.env.DB_NAME;
    db2 = banks.bank2.env.DB_NAME;
  });

  afterAll(() => stack?.destroy());

  const pending = async () =>
    Number((await stack.query(db1, "SELECT COUNT(*) AS n FROM transfer WHERE status = 'PENDING'"))[0].n);
  const quiet = () =>
    waitFor(async () => (await pending()) === 0, { timeoutMs: 30_000, description: 'every transfer settled' });
  const systemTotal = async () => [await totalBalance(stack, db1), await totalBalance(stack, db2)];
  const sum = ([a, b]: string[]) => plus(a, b);

  it('accepts exactly what one account can pay out of 120 concurrent transfers, never overdrawing it', async () => {
    const before = sum(await systemTotal());

    const replies = await Promise.all(
      Array.from({ length: 120 }, () =>
        postTransfer(banks.bank1, { fromAccountNo: '1', toAccountNo: '2', amount: '100.00' }),
      ),
    );

    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(100);
    expect(statuses.filter((s) => s === 422)).toHaveLength(20);
    expect(await balanceOf(banks.bank1, '1')).toBe('0.00');
    await quiet();
    const settled = await stack.query(db1, 'SELECT status, COUNT(*) AS n FROM transfer GROUP BY status');
    expect(settled).toEqual([{ status: 'COMPLETED', n: 100 }]);
    expect(await balanceOf(banks.bank2, '2')).toBe('10000.00');
    expect(sum(await systemTotal())).toBe(before);
  });

  it('conserves the sum over both banks with transfers spread over many accounts, some refused, some refunded', async () => {
    const sources = Array.from({ length: 20 }, (_, i) => String(100 + i));
    const targets = Array.from({ length: 20 }, (_, i) => String(200 + i));
    await seedAccounts(
      stack,
      db1,
      sources.map((no) => [no, '100.00']),
    );
    await seedAccounts(
      stack,
      db2,
      targets.map((no) => [no, '0.00']),
    );
    const before = sum(await systemTotal());

    // 8 transfers of 30.00 per source: 3 fit in its 100.00 (more once refunds come back), the
    // rest are refused; one target in 11 is an account bank2 does not hold, refunded.
    const replies = await Promise.all(
      Array.from({ length: 160 }, (_, i) =>
        postTransfer(banks.bank1, {
          fromAccountNo: sources[i % sources.length],
          toAccountNo: i % 11 === 0 ? '999999' : targets[(i * 7) % targets.length],
          amount: '30.00',
        }),
      ),
    );

    expect(replies.every((r) => r.status === 202 || r.status === 422)).toBe(true);
    const accepted = replies.filter((r) => r.status === 202).length;
    expect(accepted).toBeGreaterThanOrEqual(60);
    await quiet();
    const negative = await stack.query(db1, 'SELECT account_no FROM account_info WHERE balance < 0');
    expect(negative).toEqual([]);
    const settled = await stack.query(
      db1,
      "SELECT COUNT(*) AS n FROM transfer WHERE from_account_no <> '1' AND status IN ('COMPLETED', 'REFUNDED')",
    );
    expect(Number(settled[0].n)).toBe(accepted);
    expect(
      Number((await stack.query(db1, "SELECT COUNT(*) AS n FROM transfer WHERE status = 'REFUNDED'"))[0].n),
    ).toBeGreaterThan(0);
    expect(sum(await systemTotal())).toBe(before);
  });
});

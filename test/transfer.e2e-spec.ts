import { waitFor } from '@txmsg/nestjs/testing';
import { balanceOf, type Banks, minus, plus, postTransfer, startBanks, waitForTransfer } from './support/banks';
import { TestStack } from './support/test-stack';

// bank1 → bank2 transfers end to end: each bank its own process, database and the
// run's RabbitMQ vhost.
describe('transfer bank1 → bank2', () => {
  let stack: TestStack;
  let banks: Banks;
  let db1: string;
  let db2: string;

  beforeAll(async () => {
    stack = await TestStack.create('transfer');
    banks = await startBanks(stack);
    db1 = banks.bank1.env.DB_NAME;
    db2 = banks.bank2.env.DB_NAME;
  }, 60_000);

  afterAll(() => stack?.destroy());

  const incomingCount = async () =>
    Number((await stack.query(db2, 'SELECT COUNT(*) AS n FROM incoming_transfer'))[0].n);

  it('debits bank1 and credits bank2 exactly the amount, then shows the transfer COMPLETED', async () => {
    const before1 = await balanceOf(banks.bank1, '1');
    const before2 = await balanceOf(banks.bank2, '2');

    const accepted = await postTransfer(banks.bank1, { fromAccountNo: '1', toAccountNo: '2', amount: '100.10' });

    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ txNo: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'PENDING' });
    const { txNo } = accepted.body;
    expect(await balanceOf(banks.bank1, '1')).toBe(minus(before1, '100.10'));
    const completed = await waitForTransfer(banks.bank1, txNo, 'COMPLETED');
    expect(completed).toEqual({ txNo, fromAccountNo: '1', toAccountNo: '2', amount: '100.10', status: 'COMPLETED' });
    expect(await balanceOf(banks.bank2, '2')).toBe(plus(before2, '100.10'));
    expect(
      await stack.query(db2, 'SELECT status, CAST(amount AS CHAR) AS amount FROM incoming_transfer WHERE tx_no = ?', [
        txNo,
      ]),
    ).toEqual([{ status: 'CREDITED', amount: '100.10' }]);
  });

  it('accepts an amount given as a JSON number with at most 2 fraction digits', async () => {
    const accepted = await postTransfer(banks.bank1, { fromAccountNo: '1', toAccountNo: '2', amount: 0.3 });
    expect(accepted.status).toBe(202);
    expect((await waitForTransfer(banks.bank1, accepted.body.txNo, 'COMPLETED')).amount).toBe('0.30');
  });

  it('refunds a transfer to an account bank2 does not hold: REFUNDED, source balance restored exactly once', async () => {
    const before = await balanceOf(banks.bank1, '1');

    const accepted = await postTransfer(banks.bank1, { fromAccountNo: '1', toAccountNo: '404404', amount: '250.00' });
    expect(accepted.status).toBe(202);
    const refunded = await waitForTransfer(banks.bank1, accepted.body.txNo, 'REFUNDED');

    expect(refunded).toMatchObject({ toAccountNo: '404404', amount: '250.00', status: 'REFUNDED' });
    expect(await balanceOf(banks.bank1, '1')).toBe(before);
    expect(
      await stack.query(db2, 'SELECT status FROM incoming_transfer WHERE tx_no = ?', [accepted.body.txNo]),
    ).toEqual([{ status: 'REJECTED' }]);
    expect(await stack.query(db2, 'SELECT 1 FROM account_info WHERE account_no = ?', ['404404'])).toEqual([]);
  });

  it('answers 404 for an unknown transfer and 400 for a malformed transfer number', async () => {
    const unknown = await banks.bank1.get('/transfers/00000000-0000-4000-8000-000000000000');
    expect(unknown).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'transfer 00000000-0000-4000-8000-000000000000 not found' },
    });
    const malformed = await banks.bank1.get(`/transfers/${encodeURIComponent("1' OR '1'='1")}`);
    expect(malformed).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: 'txNo must be a transfer number (a UUID)' },
    });
  });

  describe('Idempotency-Key', () => {
    const debitsOf = async (key: string) =>
      (
        await stack.query(
          db1,
          'SELECT t.tx_no FROM transfer t JOIN idempotency_key k ON k.tx_no = t.tx_no WHERE k.idempotency_key = ?',
          [key],
        )
      ).length;

    it('answers a repeat of the same request with the first result and moves the money once', async () => {
      const before = await balanceOf(banks.bank1, '1');
      const body = { fromAccountNo: '1', toAccountNo: '2', amount: '12.34' };

      const first = await postTransfer(banks.bank1, body, 'replay-1');
      const again = await postTransfer(banks.bank1, body, 'replay-1');
      const sameMeaning = await postTransfer(banks.bank1, { ...body, amount: 12.34 }, 'replay-1');

      expect(first.status).toBe(202);
      expect(again).toEqual(first);
      expect(sameMeaning).toEqual(first);
      await waitForTransfer(banks.bank1, first.body.txNo, 'COMPLETED');
      expect(await balanceOf(banks.bank1, '1')).toBe(minus(before, '12.34'));
      expect(await debitsOf('replay-1')).toBe(1);
    });

    it('debits once when requests with the same key race each other', async () => {
      const before = await balanceOf(banks.bank1, '1');
      const body = { fromAccountNo: '1', toAccountNo: '2', amount: '5.00' };

      const replies = await Promise.all(Array.from({ length: 12 }, () => postTransfer(banks.bank1, body, 'race-1')));

      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 202));
      expect(new Set(replies.map((r) => r.body.txNo)).size).toBe(1);
      await waitForTransfer(banks.bank1, replies[0].body.txNo, 'COMPLETED');
      expect(await balanceOf(banks.bank1, '1')).toBe(minus(before, '5.00'));
      expect(await debitsOf('race-1')).toBe(1);
    });

    it('refuses the same key with a different request with 422, moving nothing', async () => {
      const first = await postTransfer(
        banks.bank1,
        { fromAccountNo: '1', toAccountNo: '2', amount: '1.00' },
        'mismatch-1',
      );
      expect(first.status).toBe(202);
      await waitForTransfer(banks.bank1, first.body.txNo, 'COMPLETED');
      const balance = await balanceOf(banks.bank1, '1');

      const other = await postTransfer(
        banks.bank1,
        { fromAccountNo: '1', toAccountNo: '2', amount: '2.00' },
        'mismatch-1',
      );

      expect(other).toEqual({
        status: 422,
        body: {
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: 'Idempotency-Key was already used with a different request',
        },
      });
      expect(await balanceOf(banks.bank1, '1')).toBe(balance);
      expect(await debitsOf('mismatch-1')).toBe(1);
    });

    it('keeps no key for a refused request, so a corrected retry with it goes through', async () => {
      const refused = await postTransfer(
        banks.bank1,
        { fromAccountNo: '1', toAccountNo: '2', amount: '999999999.00' },
        'retry-1',
      );
      expect(refused.status).toBe(422);
      expect(await debitsOf('retry-1')).toBe(0);
      const accepted = await postTransfer(
        banks.bank1,
        { fromAccountNo: '1', toAccountNo: '2', amount: '1.00' },
        'retry-1',
      );
      expect(accepted.status).toBe(202);
    });
  });

  describe('refusals change nothing and send nothing', () => {
    let balance1: string;
    let lastOutboxId: number;
    let credited2: number;

    beforeEach(async () => {
      await waitFor(
        async () => (await stack.query(db1, "SELECT 1 FROM transfer WHERE status = 'PENDING'")).length === 0,
        {
          description: 'earlier transfers settled',
        },
      );
      balance1 = await balanceOf(banks.bank1, '1');
      lastOutboxId = (await stack.query(db1, 'SELECT COALESCE(MAX(id), 0) AS id FROM txmsg_outbox'))[0].id;
      credited2 = await incomingCount();
    });

    afterEach(async () => {
      expect(await balanceOf(banks.bank1, '1')).toBe(balance1);
      // A refused transfer rolled back whole: no message row at all.
      expect(await stack.query(db1, 'SELECT status FROM txmsg_outbox WHERE id > ?', [lastOutboxId])).toEqual([]);
      expect(await incomingCount()).toBe(credited2);
    });

    it('answers 422 for insufficient funds', async () => {
      const refused = await postTransfer(banks.bank1, {
        fromAccountNo: '1',
        toAccountNo: '2',
        amount: '1000000000.00',
      });
      expect(refused).toEqual({
        status: 422,
        body: { statusCode: 422, error: 'Unprocessable Entity', message: 'insufficient funds in account 1' },
      });
    });

    it('answers 404 for an unknown source account', async () => {
      const refused = await postTransfer(banks.bank1, { fromAccountNo: '77', toAccountNo: '2', amount: '1.00' });
      expect(refused).toEqual({
        status: 404,
        body: { statusCode: 404, error: 'Not Found', message: 'account 77 not found' },
      });
    });

    it('answers 400 for a transfer to the source account itself', async () => {
      const refused = await postTransfer(banks.bank1, { fromAccountNo: '1', toAccountNo: '1', amount: '1.00' });
      expect(refused).toEqual({
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message: 'toAccountNo must differ from fromAccountNo' },
      });
    });
  });
});

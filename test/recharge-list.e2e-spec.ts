import { createConnection } from 'mysql2/promise';
import type { ServiceProcess } from './support/service-process';
import { adminHeader, TestStack } from './support/test-stack';

// pay's result list (GET /recharges?after=&limit=): what a receiver pulls to find results it was
// never notified of, with pay's admin token. It must never skip a result whose transaction commits
// after later ones.
describe('recharge list: pay', () => {
  let stack: TestStack;
  let pay: ServiceProcess;

  beforeAll(async () => {
    stack = await TestStack.create('recharge_list');
    pay = await stack.start('pay', { RECHARGE_LIMIT: '1000.00' });
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
  });

  const page = async (query: string) => {
    const reply = await pay.get(`/recharges?${query}`, adminHeader());
    expect(reply.status).toBe(200);
    return reply.body as { results: { txNo: string }[]; nextCursor: string; hasMore: boolean };
  };
  const recharge = (txNo: string, accountNo = '1', amount = '1.00') =>
    pay.post('/recharges', { txNo, accountNo, amount });
  /** Every result after `cursor`, page by page. */
  async function walk(cursor: string, limit: number, filter = ''): Promise<{ txNos: string[]; cursor: string }> {
    const txNos: string[] = [];
    for (;;) {
      const next = await page(`after=${cursor}&limit=${limit}${filter}`);
      expect(next.results.length).toBeLessThanOrEqual(limit);
      txNos.push(...next.results.map((r) => r.txNo));
      cursor = next.nextCursor;
      if (!next.hasMore) return { txNos, cursor };
    }
  }

  it('never skips a result whose transaction commits after later ones', async () => {
    const start = (await page('limit=500')).nextCursor;
    // A pay transaction that took its id first and commits last, held open by the test.
    const slow = await createConnection({ host: '127.0.0.1', user: 'root', database: pay.env.DB_NAME });
    try {
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO recharge (tx_no, account_no, amount, result) VALUES ('late-commit', '1', '7.00', 'success')`,
      );
      for (const txNo of ['early-commit-1', 'early-commit-2']) expect((await recharge(txNo)).status).toBe(201);

      const first = await page(`after=${start}&limit=500`);

      expect(first.results.map((r) => r.txNo)).toEqual(['early-commit-1', 'early-commit-2']);
      await slow.query('COMMIT');
      const next = await page(`after=${first.nextCursor}&limit=500`);
      expect(next).toEqual({
        results: [{ txNo: 'late-commit', accountNo: '1', amount: '7.00', result: 'success' }],
        nextCursor: expect.any(String),
        hasMore: false,
      });
    } finally {
      await slow.end();
    }
  });

  it('pages through every result once, in commit order, with an opaque cursor and a bounded limit', async () => {
    const start = (await page('limit=500')).nextCursor;
    const made = ['order-a', 'order-b', 'order-c', 'order-d', 'order-e'];
    for (const txNo of made) await recharge(txNo, txNo === 'order-c' ? '2' : '1', '2.50');

    const { txNos, cursor } = await walk(start, 2);

    expect(txNos).toEqual(made);
    expect(await page(`after=${cursor}`)).toEqual({ results: [], nextCursor: cursor, hasMore: false });
    expect((await walk(start, 2, '&accountNo=2')).txNos).toEqual(['order-c']);
    expect(Buffer.from(cursor, 'base64url').toString()).not.toMatch(/^\d+$/);
  });

  it('refuses a cursor it did not give out, and a limit out of bounds, with a 400', async () => {
    const given = (await page('limit=1')).nextCursor;
    const refused = [
      'after=12',
      'after=not-a-cursor',
      `after=${given}x`,
      `after=${Buffer.from('p1:-4').toString('base64url')}`,
      'limit=0',
      'limit=501',
      'limit=abc',
      'limit=1.5',
      'accountNo=abc',
      'offset=3',
    ];
    for (const query of refused) {
      const reply = await pay.get(`/recharges?${query}`, adminHeader());
      expect({ query, status: reply.status, error: reply.body.error }).toEqual({
        query,
        status: 400,
        error: 'Bad Request',
      });
    }
    expect((await pay.get('/recharges?limit=500', adminHeader())).status).toBe(200);
  });
});

import { waitFor } from '@txmsg/nestjs/testing';
import type { ServiceProcess } from './support/service-process';
import { adminHeader, TestStack } from './support/test-stack';

// The recharge APIs of pay and account: idempotency on txNo, and every bad input gets
// a clear 4xx in the uniform shape and changes nothing.
describe('recharge APIs', () => {
  const ADMIN_TOKEN = 'recharge-api-admin-token';
  let stack: TestStack;
  let pay: ServiceProcess;
  let account: ServiceProcess;

  beforeAll(async () => {
    stack = await TestStack.create('recharge_api');
    pay = await stack.start('pay', {
      NOTIFY_SECRETS: 'http://127.0.0.1:9=e2e-key',
      TXMSG_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    account = await stack.start('account', {
      PAY_URL: pay.url,
      PAY_ADMIN_TOKEN: ADMIN_TOKEN,
      RECONCILE_AFTER: '1h',
      RECONCILE_DEADLINE: '2h',
    });
  }, 120_000);

  afterAll(() => stack?.destroy());

  /** Rows that a bad request must not add: pay's recharges, outbox and notifications; account's recharges. */
  async function footprint() {
    const count = async (service: ServiceProcess, table: string) =>
      Number((await stack.query(service.env.DB_NAME, `SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    return {
      payRecharges: await count(pay, 'recharge'),
      outbox: await count(pay, 'txmsg_outbox'),
      notifications: await count(pay, 'txmsg_notification'),
      accountRecharges: await count(account, 'recharge'),
      balance: (await account.get('/accounts/1')).body.balance,
    };
  }

  describe('pay POST /recharges, idempotent on txNo', () => {
    const request = { txNo: 'tx-idem-1', accountNo: '1', amount: '12.30', notifyUrl: 'http://127.0.0.1:9/hook' };

    it('answers 201 with the record, then 200 with the same record for the same request, sending nothing new', async () => {
      const first = await pay.post('/recharges', request);
      // A recharge made at pay is account's to apply too: let that settle before comparing.
      await waitFor(async () => (await footprint()).accountRecharges === 1, {
        description: 'account applied the recharge',
      });
      const before = await footprint();

      const again = await pay.post('/recharges', { ...request, amount: 12.3 });

      expect(first).toEqual({
        status: 201,
        body: { txNo: 'tx-idem-1', accountNo: '1', amount: '12.30', result: 'success' },
      });
      expect(again).toEqual({ status: 200, body: first.body });
      expect(await footprint()).toEqual(before);
      expect((await pay.get('/recharges/tx-idem-1')).body).toEqual(first.body);
      expect(
        (await pay.get('/recharges/tx-idem-1/notifications', adminHeader(ADMIN_TOKEN))).body.notifications,
      ).toHaveLength(1);
    });

    it.each([
      ['another account', { accountNo: '2' }],
      ['another amount', { amount: '12.31' }],
    ])('refuses the same txNo for %s with 409, changing nothing', async (_, change) => {
      const before = await footprint();

      const reply = await pay.post('/recharges', { ...request, ...change });

      expect(reply).toEqual({
        status: 409,
        body: {
          statusCode: 409,
          error: 'Conflict',
          message: 'txNo tx-idem-1 was already used for another recharge (account or amount differ)',
        },
      });
      expect(await footprint()).toEqual(before);
    });

    it('keeps txNos that differ only in case apart: two recharges, two records', async () => {
      const upper = await pay.post('/recharges', { txNo: 'Case-Tx-1', accountNo: '1', amount: '1.00' });
      const lower = await pay.post('/recharges', { txNo: 'case-tx-1', accountNo: '1', amount: '2.00' });

      expect(upper).toMatchObject({ status: 201, body: { txNo: 'Case-Tx-1', amount: '1.00' } });
      expect(lower).toMatchObject({ status: 201, body: { txNo: 'case-tx-1', amount: '2.00' } });
      expect((await pay.get('/recharges/CASE-TX-1')).status).toBe(404);
      expect((await pay.get('/recharges/Case-Tx-1')).body).toEqual(upper.body);
    });

    it('creates one recharge and one message when the same request arrives ten times at once', async () => {
      const before = await footprint();

      const replies = await Promise.all(
        Array.from({ length: 10 }, () => pay.post('/recharges', { txNo: 'tx-race-1', accountNo: '1', amount: '1.00' })),
      );

      expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
      const after = await footprint();
      expect(after.payRecharges - before.payRecharges).toBe(1);
      expect(after.outbox - before.outbox).toBe(1);
    });

    it('gives a recharge without txNo a new one', async () => {
      const reply = await pay.post('/recharges', { accountNo: '1', amount: '2.00' });

      expect(reply.status).toBe(201);
      expect(reply.body.txNo).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('account POST /recharges with an Idempotency-Key', () => {
    const withKey = (key: string, amount: string | number = '6.00') =>
      account.post('/recharges', { accountNo: '1', amount }, { 'Idempotency-Key': key });

    // Later tests compare balances: let these recharges finish first.
    afterEach(() =>
      waitFor(
        async () =>
          (await stack.query(account.env.DB_NAME, "SELECT 1 FROM recharge WHERE status = 'PENDING'")).length === 0,
        { description: 'every recharge final' },
      ),
    );

    it('answers retries of a request with the recharge its key created, creating nothing new', async () => {
      const first = await withKey('key-retry-1');
      const before = await footprint();

      const retries = await Promise.all([withKey('key-retry-1', 6), withKey('key-retry-1', '6.0')]);

      expect(first).toEqual({ status: 202, body: { txNo: expect.any(String), status: 'PENDING' } });
      for (const retry of retries) {
        expect(retry).toEqual({
          status: 202,
          body: { txNo: first.body.txNo, status: expect.stringMatching(/^(PENDING|SUCCEEDED)$/) },
        });
      }
      const after = await footprint();
      expect([after.accountRecharges, after.payRecharges]).toEqual([before.accountRecharges, before.payRecharges]);
    });

    it('treats keys that differ only in case as different keys', async () => {
      const upper = await withKey('Key-Case-1');
      const lower = await withKey('key-case-1', '7.00');

      expect(upper.status).toBe(202);
      expect(lower.status).toBe(202);
      expect(lower.body.txNo).not.toBe(upper.body.txNo);
    });

    it('creates one recharge when the same key arrives ten times at once', async () => {
      const before = await footprint();

      const replies = await Promise.all(Array.from({ length: 10 }, () => withKey('key-race-1')));

      expect(replies.map((r) => r.status)).toEqual(Array(10).fill(202));
      expect(new Set(replies.map((r) => r.body.txNo)).size).toBe(1);
      expect((await footprint()).accountRecharges - before.accountRecharges).toBe(1);
    });

    it('refuses the key with another amount (409) and a malformed key (400), changing nothing', async () => {
      await withKey('key-conflict-1');
      const before = await footprint();

      const conflict = await withKey('key-conflict-1', '7.00');
      const malformed = await withKey('not a key!');

      expect(conflict).toEqual({
        status: 409,
        body: {
          statusCode: 409,
          error: 'Conflict',
          message: 'Idempotency-Key key-conflict-1 was already used for another recharge (account or amount differ)',
        },
      });
      expect(malformed).toEqual({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: 'Idempotency-Key must be 1 to 64 letters, digits, "-" or "_"',
        },
      });
      const after = await footprint();
      expect([after.accountRecharges, after.payRecharges]).toEqual([before.accountRecharges, before.payRecharges]);
    });
  });

  const tooLongUrl = `http://example.com/${'a'.repeat(2100)}`;
  const badRecharges: [string, unknown, RegExp][] = [
    ['a negative amount', { accountNo: '1', amount: '-1.00' }, /amount must be greater than 0/],
    ['a zero amount', { accountNo: '1', amount: 0 }, /amount must be greater than 0/],
    ['a non-numeric amount', { accountNo: '1', amount: 'ten' }, /amount must be a decimal number/],
    ['a NaN amount', { accountNo: '1', amount: 'NaN' }, /amount must be a decimal number/],
    ['an Infinity amount', { accountNo: '1', amount: 'Infinity' }, /amount must be a decimal number/],
    [
      'an amount with 3 fraction digits',
      { accountNo: '1', amount: '1.001' },
      /amount must have at most 2 fraction digits/,
    ],
    ['a huge amount', { accountNo: '1', amount: '99999999999999' }, /amount must not exceed 1000000000.00/],
    ['an amount of the wrong type', { accountNo: '1', amount: true }, /amount must be a decimal string/],
    ['a missing amount', { accountNo: '1' }, /amount must be a decimal string/],
    ['a missing account number', { amount: '1.00' }, /accountNo must be an account number/],
    ['an account number that is a number', { accountNo: 1, amount: '1.00' }, /accountNo must be an account number/],
    ['a malformed account number', { accountNo: '12a', amount: '1.00' }, /accountNo must be an account number/],
    [
      'an absurdly long account number',
      { accountNo: '1'.repeat(21), amount: '1.00' },
      /accountNo must be an account number/,
    ],
    ['an unknown field', { accountNo: '1', amount: '1.00', bonus: '5.00' }, /property bonus should not exist/],
    ['an array body', [], /accountNo must be an account number/],
  ];
  const badPayOnly: [string, unknown, RegExp][] = [
    ['a malformed txNo', { accountNo: '1', amount: '1.00', txNo: 'a b/../c' }, /txNo must be 1 to 64 letters/],
    ['an absurdly long txNo', { accountNo: '1', amount: '1.00', txNo: 'x'.repeat(65) }, /txNo must be 1 to 64 letters/],
    ['an empty txNo', { accountNo: '1', amount: '1.00', txNo: '' }, /txNo must be 1 to 64 letters/],
    ['a txNo of the wrong type', { accountNo: '1', amount: '1.00', txNo: null }, /txNo must be 1 to 64 letters/],
    [
      'a notifyUrl that is not http(s)',
      { accountNo: '1', amount: '1.00', notifyUrl: 'ftp://x.example/' },
      /notifyUrl must be an http/,
    ],
    [
      'a notifyUrl that is script',
      { accountNo: '1', amount: '1.00', notifyUrl: 'javascript:alert(1)' },
      /notifyUrl must be an http/,
    ],
    [
      'a notifyUrl that is not a URL',
      { accountNo: '1', amount: '1.00', notifyUrl: 'not a url' },
      /notifyUrl must be an http/,
    ],
    [
      'an absurdly long notifyUrl',
      { accountNo: '1', amount: '1.00', notifyUrl: tooLongUrl },
      /notifyUrl must be at most 2048/,
    ],
    ['a notifyUrl of the wrong type', { accountNo: '1', amount: '1.00', notifyUrl: 42 }, /notifyUrl must be a string/],
  ];

  it.each([...badRecharges, ...badPayOnly])('pay refuses %s with 400, changing nothing', async (_, body, message) => {
    const before = await footprint();

    const reply = await pay.post('/recharges', body);

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.anything() });
    expect(String(reply.body.message)).toMatch(message);
    expect(await footprint()).toEqual(before);
  });

  it.each(badRecharges)('account refuses %s with 400, changing nothing', async (_, body, message) => {
    const before = await footprint();

    const reply = await account.post('/recharges', body);

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.anything() });
    expect(String(reply.body.message)).toMatch(message);
    expect(await footprint()).toEqual(before);
  });

  it('account answers 404 for a recharge of an account it does not hold, changing nothing', async () => {
    const before = await footprint();

    const reply = await account.post('/recharges', { accountNo: '999', amount: '1.00' });

    expect(reply).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'account 999 not found' },
    });
    expect(await footprint()).toEqual(before);
  });

  it.each([
    ['an oversized body', JSON.stringify({ accountNo: '1', amount: '1.00', pad: 'x'.repeat(20_000) }), 413],
    ['malformed JSON', '{"accountNo":"1","amount":', 400],
  ])('both refuse %s without a 500', async (_, body, status) => {
    const before = await footprint();

    for (const service of [pay, account]) {
      const reply = await service.post('/recharges', body);
      expect(reply.status).toBe(status);
      expect(reply.body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
    }
    expect(await footprint()).toEqual(before);
  });

  it.each([
    ['pay', 'GET', '/recharges/:txNo'],
    ['pay', 'GET', '/recharges/:txNo/notifications'],
    ['pay', 'POST', '/recharges/:txNo/notify'],
    ['account', 'GET', '/recharges/:txNo'],
    ['account', 'POST', '/recharges/:txNo/reconcile'],
  ])('%s %s %s: 400 for a malformed txNo, 404 for an unknown one', async (service, method, path) => {
    const target = service === 'pay' ? pay : account;
    const before = await footprint();

    // The re-send and the attempt log are an operator's: past their admin guard, so that the txNo is what is judged.
    const headers = path === '/recharges/:txNo' ? {} : adminHeader(ADMIN_TOKEN);
    const malformed = await target.request(
      method,
      path.replace(':txNo', encodeURIComponent('x'.repeat(65))),
      undefined,
      headers,
    );
    const unknown = await target.request(method, path.replace(':txNo', 'no-such-tx'), undefined, headers);

    expect(malformed).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: 'txNo must be 1 to 64 letters, digits, "-" or "_"' },
    });
    expect(unknown).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'recharge no-such-tx not found' },
    });
    expect(await footprint()).toEqual(before);
  });

  it('account answers 503 to webhooks while it has no NOTIFY_SECRET to verify them', async () => {
    const reply = await account.post('/notifications/recharge', { id: 'x', type: 'pay.recharge.completed', data: {} });

    expect(reply).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'webhooks are not enabled here: NOTIFY_SECRET is not set',
      },
    });
  });
});

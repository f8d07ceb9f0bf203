import { waitFor } from '@txmsg/nestjs/testing';
import fc from 'fast-check';
import {
  balanceOf,
  type Banks,
  minus,
  plus,
  postTransfer,
  seedAccounts,
  startBanks,
  totalBalance,
} from './support/banks';
import type { HttpReply, ServiceProcess } from './support/service-process';
import { TestStack } from './support/test-stack';

// Property-based checks of the amounts and account numbers that bank1 POST /transfers,
// pay POST /recharges and account POST /recharges accept, against the running services. The
// oracle restates the contract (README "Transfers", parseAmount's documentation in
// libs/common/src/money) independently of the code: an amount is a JSON string or number whose
// text, exactly as sent, is digits without leading zeros with at most 2 fraction digits, above 0
// and at most 1000000000.00 — the same limit at all three (pay's RECHARGE_LIMIT decides the result, not the
// validity; bank1's balances decide 422, not 400).

/** MAX_AMOUNT, 1000000000.00, in cents. */
const MAX_CENTS = 100_000_000_000n;
/** pay's RECHARGE_LIMIT here: a valid recharge above it is recorded with the result "fail". */
const LIMIT_CENTS = 5_000_000n;
/** 1 to 20 digits, and no leading zero: "01" would be a second spelling of account 1. */
const ACCOUNT_NO = /^(0|[1-9][0-9]{0,19})$/;
/** bank1's source account for valid transfers, rich enough for every run at the maximum. */
const RICH = '100';

/** What a service receives for `value` in a JSON body (NaN and Infinity become null, -0 becomes 0). */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify({ value })).value;

/** The oracle: the cents a received JSON value stands for if it is a valid amount, else undefined. */
function acceptedCents(value: unknown): bigint | undefined {
  const text =
    typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
  const match = text === undefined ? null : /^(0|[1-9]\d*)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  const cents = BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  return cents > 0n && cents <= MAX_CENTS ? cents : undefined;
}

const format = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;

/** Text that more or less looks like an amount: signs, digits, separators, fractions, exponents, blanks. */
const amountLikeText = fc
  .tuple(
    fc.constantFrom('', ' ', '-', '+', '\t', '0'),
    fc.stringMatching(/^\d{0,13}$/),
    fc.constantFrom('', '.', ',', '..', '. '),
    fc.stringMatching(/^\d{0,4}$/),
    fc.constantFrom('', 'e2', 'E-1', ' ', 'x', '%', '\u00a0'),
  )
  .map((parts) => parts.join(''));

const invalidAmount = fc
  .oneof(
    amountLikeText,
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.double(), // NaN, ±Infinity, -0, subnormals, many fraction digits
    fc.integer({ min: -1_000_000, max: 0 }),
    fc.nat().map((n) => n / 1000), // 3 fraction digits, or none
    fc.bigInt({ min: MAX_CENTS + 1n, max: MAX_CENTS * 1000n }).map(format), // just above the maximum
    fc.bigInt({ min: 1n, max: MAX_CENTS }).map((cents) => `0${format(cents)}`), // a second spelling
    fc.jsonValue({ maxDepth: 2 }),
  )
  .filter((value) => acceptedCents(overTheWire(value)) === undefined);

/** Ways a client may write `cents` that must be taken for exactly that amount. */
function writings(cents: bigint): (string | number)[] {
  const fixed = format(cents);
  const [whole, fraction] = fixed.split('.');
  const short = fraction === '00' ? whole : `${whole}.${fraction.replace(/0$/, '')}`;
  const forms: (string | number)[] = [fixed, short];
  if (String(Number(short)) === short) forms.push(Number(short)); // a JSON number
  return forms;
}

const validAmount = fc
  .oneof(
    fc.bigInt({ min: 1n, max: 10_000n }),
    fc.bigInt({ min: 1n, max: MAX_CENTS }),
    fc.constantFrom(1n, 10n, 20n, 99n, LIMIT_CENTS - 1n, LIMIT_CENTS, LIMIT_CENTS + 1n, MAX_CENTS),
  )
  .chain((cents) => fc.constantFrom(...writings(cents)).map((sent) => ({ cents, sent })));
/** 0.1 + 0.2, as JSON numbers and as strings: exactly 0.30 each time, never 0.30000000000000004. */
const pointOnePlusPointTwo: [{ cents: bigint; sent: string | number }][] = [
  [{ cents: 10n, sent: 0.1 }],
  [{ cents: 20n, sent: 0.2 }],
  [{ cents: 10n, sent: '0.10' }],
  [{ cents: 20n, sent: '0.2' }],
];

const malformedAccountNo = fc
  .oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.stringMatching(/^[+-]?\d{0,25}(\.\d)?\s?$/),
    fc.integer(),
    fc.jsonValue({ maxDepth: 1 }),
    fc.constantFrom(
      "1' OR '1'='1",
      '1;--',
      '../..',
      '..%2F..',
      '１',
      '١',
      '1 ',
      '\u00001',
      '1'.repeat(21),
      '01',
      '00',
      '0001',
    ),
  )
  .filter((value) => {
    const received = overTheWire(value);
    return !(typeof received === 'string' && ACCOUNT_NO.test(received));
  });
/** Well-formed, but held by neither bank1 (`1`, RICH) nor account (`1`); `2` is the transfers' destination. */
const unknownAccountNo = fc.stringMatching(ACCOUNT_NO).filter((no) => !['1', '2', RICH].includes(no));

describe('amounts and account numbers, as properties of the running services', () => {
  let stack: TestStack;
  let banks: Banks;
  let pay: ServiceProcess;
  let account: ServiceProcess;
  const footprintSql = new Map<string, string>();

  beforeAll(async () => {
    stack = await TestStack.create('input_properties');
    pay = await stack.spawn('pay', { RECHARGE_LIMIT: format(LIMIT_CENTS) }); // account only needs its URL to start
    [banks, account] = await Promise.all([
      startBanks(stack),
      stack.start('account', { PAY_URL: pay.url, RECONCILE_AFTER: '1h', RECONCILE_DEADLINE: '2h' }),
      pay.waitHealthy(),
    ]);
    await seedAccounts(stack, banks.bank1.env.DB_NAME, [[RICH, '1000000000000.00']]);
    for (const service of [banks.bank1, banks.bank2, pay, account]) {
      const database = service.env.DB_NAME;
      const tables = await stack.query<{ name: string }>(
        database,
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_name <> 'migrations'",
        [database],
      );
      const counts = tables.map(({ name }) => `(SELECT COUNT(*) FROM \`${name}\`) AS \`${name}\``);
      if (tables.some(({ name }) => name === 'account_info')) {
        counts.push(
          "(SELECT GROUP_CONCAT(account_no, '=', balance ORDER BY account_no) FROM account_info) AS balances",
        );
      }
      footprintSql.set(database, `SELECT ${counts.join(', ')}`);
    }
  }, 120_000);

  afterAll(() => stack?.destroy());

  /** Row counts of every table of the services' databases, and their balances. */
  const footprint = (...services: ServiceProcess[]) =>
    Promise.all(services.map(async ({ env }) => (await stack.query(env.DB_NAME, footprintSql.get(env.DB_NAME)!))[0]));

  const targets = () => ({
    'bank1 POST /transfers': {
      send: (body: object) =>
        postTransfer(banks.bank1, { fromAccountNo: RICH, toAccountNo: '2', amount: '1.00', ...body }),
      accountField: 'fromAccountNo',
      touches: [banks.bank1, banks.bank2],
    },
    'pay POST /recharges': {
      send: (body: object) => pay.post('/recharges', { accountNo: '1', amount: '1.00', ...body }),
      accountField: 'accountNo',
      touches: [pay],
    },
    'account POST /recharges': {
      send: (body: object) => account.post('/recharges', { accountNo: '1', amount: '1.00', ...body }),
      accountField: 'accountNo',
      touches: [account, pay],
    },
  });
  type Target = keyof ReturnType<typeof targets>;
  const TARGETS: Target[] = ['bank1 POST /transfers', 'pay POST /recharges', 'account POST /recharges'];

  /** `reply` is a `status` refusal in the uniform shape whose message names `field`. */
  function expectRefusal(reply: HttpReply, status: number, field: string) {
    expect(reply).toEqual({
      status,
      body: { statusCode: status, error: expect.any(String), message: expect.anything() },
    });
    expect([reply.body.message].flat().join('; ')).toContain(field);
  }

  it.each(TARGETS)(
    '%s answers 400 naming amount to any JSON value that is not a valid amount, and changes nothing',
    async (name) => {
      const { send, touches } = targets()[name];
      await fc.assert(
        fc.asyncProperty(invalidAmount, async (amount) => {
          const before = await footprint(...touches);
          // `amount must …` from validation, or `property amount.__proto__ …` from the JSON guard,
          // which refuses prototype keys before validation sees the body.
          expectRefusal(await send({ amount }), 400, 'amount');
          expect(await footprint(...touches)).toEqual(before);
        }),
        { numRuns: 75 },
      );
    },
  );

  it.each(TARGETS)(
    '%s answers 400 naming the field to any account number that is not 1 to 20 digits without leading zeros, and changes nothing',
    async (name) => {
      const { send, accountField, touches } = targets()[name];
      const fields = name.startsWith('bank1') ? ['fromAccountNo', 'toAccountNo'] : [accountField];
      await fc.assert(
        fc.asyncProperty(malformedAccountNo, fc.constantFrom(...fields), async (accountNo, field) => {
          const before = await footprint(...touches);
          const reply = await send({ [field]: accountNo });
          // `<field> must …` from validation, or `property <field>.<key> …` from the JSON guard,
          // which refuses a value naming `__proto__`, `constructor` or `prototype` before validation.
          expectRefusal(reply, 400, field);
          const message = [reply.body.message].flat().join('; ');
          const named =
            message.includes(`${field} must be an account number of 1 to 20 digits without leading zeros`) ||
            /^property \w+\.(\w+\.)*(__proto__|constructor|prototype) should not exist$/.test(message);
          expect({ message, named }).toEqual({ message, named: true });
          expect(await footprint(...touches)).toEqual(before);
        }),
        { numRuns: 50 },
      );
    },
  );

  it.each(['bank1 POST /transfers', 'account POST /recharges'] as Target[])(
    '%s answers 404 to any well-formed account number it does not hold, and changes nothing',
    async (name) => {
      const { send, accountField, touches } = targets()[name];
      await fc.assert(
        fc.asyncProperty(unknownAccountNo, async (accountNo) => {
          const before = await footprint(...touches);
          const reply = await send({ [accountField]: accountNo });
          expect(reply).toEqual({
            status: 404,
            body: { statusCode: 404, error: 'Not Found', message: `account ${accountNo} not found` },
          });
          expect(await footprint(...touches)).toEqual(before);
        }),
        { numRuns: 30 },
      );
    },
  );

  it('bank1 moves exactly any valid amount, however written, and conserves the sum of both banks once the transfer completes', async () => {
    const { bank1, bank2 } = banks;
    const sum = async () =>
      plus(await totalBalance(stack, bank1.env.DB_NAME), await totalBalance(stack, bank2.env.DB_NAME));
    const conserved = await sum();
    await fc.assert(
      fc.asyncProperty(validAmount, async ({ cents, sent }) => {
        const [from, to] = [await balanceOf(bank1, RICH), await balanceOf(bank2, '2')];

        const reply = await postTransfer(bank1, { fromAccountNo: RICH, toAccountNo: '2', amount: sent });

        expect(reply).toEqual({ status: 202, body: { txNo: expect.any(String), status: 'PENDING' } });
        expect(await balanceOf(bank1, RICH)).toBe(minus(from, format(cents))); // debited with the 202
        const settled = await waitFor(
          async () => {
            const { body } = await bank1.get(`/transfers/${reply.body.txNo}`);
            return body.status === 'PENDING' ? undefined : body;
          },
          { timeoutMs: 15_000, intervalMs: 10, description: `transfer ${reply.body.txNo} settled` },
        );
        expect(settled).toMatchObject({ amount: format(cents), status: 'COMPLETED' });
        expect(await balanceOf(bank2, '2')).toBe(plus(to, format(cents)));
        expect(await sum()).toBe(conserved);
      }),
      { numRuns: 50, examples: pointOnePlusPointTwo },
    );
  });

  it('account credits exactly any valid amount, however written, once pay succeeds (0.1 + 0.2 is 0.30), and nothing once pay fails', async () => {
    const start = await balanceOf(account, '1');
    let credited = '0.00';
    await fc.assert(
      fc.asyncProperty(validAmount, async ({ cents, sent }) => {
        const balance = await balanceOf(account, '1');
        const succeeds = cents <= LIMIT_CENTS;

        const reply = await account.post('/recharges', { accountNo: '1', amount: sent });

        expect(reply).toEqual({ status: 202, body: { txNo: expect.any(String), status: 'PENDING' } });
        const applied = await waitFor(
          async () => {
            const { body } = await account.get(`/recharges/${reply.body.txNo}`);
            return body.status === 'PENDING' ? undefined : body;
          },
          { timeoutMs: 10_000, intervalMs: 10, description: `recharge ${reply.body.txNo} applied` },
        );
        expect(applied).toMatchObject({
          accountNo: '1',
          amount: format(cents),
          status: succeeds ? 'SUCCEEDED' : 'FAILED',
        });
        expect(await balanceOf(account, '1')).toBe(succeeds ? plus(balance, format(cents)) : balance);
        if (succeeds) credited = plus(credited, format(cents));
      }),
      { numRuns: 50, examples: pointOnePlusPointTwo },
    );
    expect(await balanceOf(account, '1')).toBe(plus(start, credited));
  });

  // Last: account applies pay's notifications of these recharges (a recharge made at pay is
  // recorded and credited at account), so the footprints above must be taken before.
  it('pay records exactly any valid amount, however written, with the result its limit decides, and knows it again by txNo', async () => {
    await fc.assert(
      fc.asyncProperty(validAmount, async ({ cents, sent }) => {
        const reply = await pay.post('/recharges', { accountNo: '1', amount: sent });

        const record = {
          txNo: expect.any(String),
          accountNo: '1',
          amount: format(cents),
          result: cents <= LIMIT_CENTS ? 'success' : 'fail',
        };
        expect(reply).toEqual({ status: 201, body: record });
        const stored = await stack.query(
          pay.env.DB_NAME,
          'SELECT CAST(amount AS CHAR) AS amount FROM recharge WHERE tx_no = ?',
          [reply.body.txNo],
        );
        expect(stored).toEqual([{ amount: format(cents) }]);
        const again = await pay.post('/recharges', { txNo: reply.body.txNo, accountNo: '1', amount: format(cents) });
        expect(again).toEqual({ status: 200, body: reply.body });
      }),
      { numRuns: 60, examples: pointOnePlusPointTwo },
    );
  });

  // Raw JSON text, as a client other than JavaScript may write it. After the footprints, as above.
  it.each([
    ['100.5', '100.50'],
    ['100.50', '100.50'],
    ['100', '100.00'],
    ['"100.50"', '100.50'],
    ['"0.50"', '0.50'],
  ])('bank1, pay and account take the amount %s exactly as %s, read from the text sent', async (amount, recorded) => {
    const headers = { 'content-type': 'application/json' };
    const from = await balanceOf(banks.bank1, RICH);
    const body = `{"fromAccountNo":"${RICH}","toAccountNo":"2","amount":${amount}}`;
    const transfer = await banks.bank1.request('POST', '/transfers', body, headers);
    expect(transfer).toEqual({ status: 202, body: { txNo: expect.any(String), status: 'PENDING' } });
    expect((await banks.bank1.get(`/transfers/${transfer.body.txNo}`)).body.amount).toBe(recorded);
    expect(await balanceOf(banks.bank1, RICH)).toBe(minus(from, recorded));

    const atPay = await pay.request('POST', '/recharges', `{"accountNo":"1","amount":${amount}}`, headers);
    expect(atPay).toEqual({ status: 201, body: expect.objectContaining({ amount: recorded, result: 'success' }) });

    const atAccount = await account.request('POST', '/recharges', `{"accountNo":"1","amount":${amount}}`, headers);
    expect(atAccount).toEqual({ status: 202, body: { txNo: expect.any(String), status: 'PENDING' } });
    expect((await account.get(`/recharges/${atAccount.body.txNo}`)).body.amount).toBe(recorded);
  });
});

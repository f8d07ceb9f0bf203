import { balanceOf, postTransfer } from './support/banks';
import type { ServiceProcess } from './support/service-process';
import { TestStack } from './support/test-stack';

// Every bad input gets a clear 4xx in the uniform error shape, and changes nothing.
describe('POST /transfers refuses bad input and changes nothing', () => {
  let stack: TestStack;
  let bank1: ServiceProcess;
  const valid = { fromAccountNo: '1', toAccountNo: '2', amount: '100.00' };

  beforeAll(async () => {
    stack = await TestStack.create('transfer_input');
    bank1 = await stack.start('bank1');
  });

  afterAll(() => stack?.destroy());

  const expect400 = async (body: unknown, mentions: string, headers?: string) => {
    const reply = await postTransfer(bank1, body, headers);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(JSON.stringify(reply.body.message)).toContain(mentions);
  };

  it.each([
    ['negative string', '-1.00', 'amount must be greater than 0'],
    ['negative number', -5, 'amount must be greater than 0'],
    ['zero string', '0.00', 'amount must be greater than 0'],
    ['zero number', 0, 'amount must be greater than 0'],
    ['non-numeric string', 'abc', 'amount must be a decimal number'],
    ['NaN string', 'NaN', 'amount must be a decimal number'],
    ['Infinity string', 'Infinity', 'amount must be a decimal number'],
    ['string in exponent form', '1e3', 'amount must be a decimal number'],
    ['string with 3 fraction digits', '1.001', 'amount must have at most 2 fraction digits'],
    ['number with 3 fraction digits', 1.001, 'amount must have at most 2 fraction digits'],
    ['absurdly large string', '99999999999999999999.00', 'amount must not exceed 1000000000.00'],
    ['absurdly large number', 1e300, 'amount must'],
    ['null', null, 'amount must be a decimal string'],
    ['boolean', true, 'amount must be a decimal string'],
    ['object', { value: '1.00' }, 'amount must be a decimal string'],
    ['array', ['1.00'], 'amount must be a decimal string'],
  ])('refuses a %s as the amount (%p) with 400', async (_, amount, message) => {
    await expect400({ ...valid, amount }, message);
  });

  it('refuses a missing amount with 400', async () => {
    await expect400({ fromAccountNo: '1', toAccountNo: '2' }, 'amount must be a decimal string');
  });

  it.each([
    ['missing', undefined],
    ['a number', 1],
    ['empty', ''],
    ['letters', 'abc'],
    ['negative', '-1'],
    ['fractional', '1.5'],
    ['21 digits long', '123456789012345678901'],
    ['padded', ' 1'],
    ['SQL', "1' OR '1'='1"],
    ['null', null],
    ['an array', ['1']],
  ])('refuses a fromAccountNo that is %s with 400', async (_, fromAccountNo) => {
    await expect400(
      { ...valid, fromAccountNo },
      'fromAccountNo must be an account number of 1 to 20 digits without leading zeros',
    );
  });

  it.each([
    ['missing', undefined],
    ['a number', 2],
    ['letters', 'li-si'],
    ['21 digits long', '9'.repeat(21)],
  ])('refuses a toAccountNo that is %s with 400', async (_, toAccountNo) => {
    await expect400(
      { ...valid, toAccountNo },
      'toAccountNo must be an account number of 1 to 20 digits without leading zeros',
    );
  });

  it('refuses unknown fields with 400 naming them', async () => {
    await expect400({ ...valid, currency: 'EUR' }, 'property currency should not exist');
  });

  it.each([
    ['an empty object', {}],
    ['an array', [valid]],
  ])('refuses %s as the body with 400', async (_, body) => {
    const reply = await postTransfer(bank1, body);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it.each([
    ['malformed JSON', '{"fromAccountNo":"1",'],
    ['NaN, which JSON does not have', '{"fromAccountNo":"1","toAccountNo":"2","amount":NaN}'],
    ['a bare string', '"100.00"'],
  ])('refuses %s with 400 saying so, without quoting the body', async (_, raw) => {
    const reply = await bank1.request('POST', '/transfers', raw);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'request body must be a valid JSON object',
    });
  });

  it('refuses an oversized body with 413', async () => {
    const reply = await postTransfer(bank1, { ...valid, note: 'x'.repeat(20_000) });
    expect(reply).toEqual({
      status: 413,
      body: { statusCode: 413, error: 'Payload Too Large', message: 'request body is too large' },
    });
  });

  it.each([
    ['empty', ''],
    ['with a space', 'key one'],
    ['longer than 128 characters', 'k'.repeat(129)],
  ])('refuses an Idempotency-Key that is %s with 400', async (_, key) => {
    await expect400(valid, 'Idempotency-Key must be 1 to 128 visible ASCII characters', key);
  });

  // Runs last: none of the requests above reached the database.
  it('left balances, transfers, keys and the outbox untouched', async () => {
    const database = bank1.env.DB_NAME;
    expect(await balanceOf(bank1, '1')).toBe('10000.00');
    expect(await stack.query(database, 'SELECT id FROM transfer')).toEqual([]);
    expect(await stack.query(database, 'SELECT id FROM txmsg_outbox')).toEqual([]);
    expect(await stack.query(database, 'SELECT idempotency_key FROM idempotency_key')).toEqual([]);
  });
});

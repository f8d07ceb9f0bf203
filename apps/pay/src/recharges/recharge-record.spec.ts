import Decimal from 'decimal.js';
import { decideResult, sameRecharge, toRecord } from './recharge-record';

describe(decideResult.name, () => {
  const limit = new Decimal('1000.00');

  it.each([['0.01'], ['999.99'], ['1000.00']])('lets %s through: success up to and including the limit', (amount) => {
    expect(decideResult(new Decimal(amount), limit)).toBe('success');
  });

  it.each([['1000.01'], ['1000000000.00']])('declines %s above the limit: fail', (amount) => {
    expect(decideResult(new Decimal(amount), limit)).toBe('fail');
  });
});

describe(sameRecharge.name, () => {
  const stored = { accountNo: '1', amount: new Decimal('50.00') };

  it('treats the same account and an equal amount, however written, as the same recharge', () => {
    expect(sameRecharge(stored, { accountNo: '1', amount: new Decimal('50') })).toBe(true);
  });

  it('treats another account or another amount as a different recharge', () => {
    expect(sameRecharge(stored, { accountNo: '2', amount: new Decimal('50.00') })).toBe(false);
    expect(sameRecharge(stored, { accountNo: '1', amount: new Decimal('50.01') })).toBe(false);
  });
});

describe(toRecord.name, () => {
  it('shows the amount as a 2-digit decimal string and nothing else of the row', () => {
    const row = {
      id: '7',
      txNo: 't1',
      accountNo: '1',
      amount: new Decimal('5.5'),
      result: 'success' as const,
      notifyUrl: 'http://x',
    };
    expect(toRecord(row)).toEqual({ txNo: 't1', accountNo: '1', amount: '5.50', result: 'success' });
  });
});

import Decimal from 'decimal.js';
import { formatAmount, MAX_AMOUNT, parseAmount } from './money';

const accepted = (input: unknown) => {
  const result = parseAmount(input);
  if ('error' in result) throw new Error(`refused ${JSON.stringify(input)}: ${result.error}`);
  return result.amount.toFixed(2);
};
const refusal = (input: unknown) => {
  const result = parseAmount(input);
  return 'error' in result ? result.error : undefined;
};

describe(parseAmount.name, () => {
  it.each([
    ['100.50', '100.50'],
    ['100', '100.00'],
    ['0.01', '0.01'],
    ['1000000000.00', '1000000000.00'],
  ])('accepts the decimal string %j as %s', (input, expected) => {
    expect(accepted(input)).toBe(expected);
  });

  it.each([
    [100, '100.00'],
    [100.5, '100.50'],
    [100.1, '100.10'],
    [0.07, '0.07'],
    [1e9, '1000000000.00'],
  ])('accepts the JSON number %p exactly as %s', (input, expected) => {
    expect(accepted(input)).toBe(expected);
  });

  it.each([['-1'], ['-0.01'], [-5]])('refuses the negative amount %p', (input) => {
    expect(refusal(input)).toMatch(/greater than 0|decimal number/);
  });

  it.each([['0'], ['0.00'], [0], [-0]])('refuses zero %p', (input) => {
    expect(refusal(input)).toBe('must be greater than 0');
  });

  it.each([
    ['abc'],
    [''],
    ['12abc'],
    [' 1.00 '],
    ['1.00 '],
    ['\t1'],
    ['1\n'],
    ['1e2'],
    ['1.0e2'],
    ['1,000.00'],
    ['.5'],
    ['5.'],
    ['+5'],
    ['0x10'],
    ['NaN'],
    ['Infinity'],
  ])('refuses the non-numeric string %j', (input) => {
    expect(refusal(input)).toBe('must be a decimal number such as "100.50"');
  });

  it.each([['0001.00'], ['01'], ['00.50'], ['00'], ['010']])(
    'refuses %j, a second spelling with leading zeros',
    (input) => {
      expect(refusal(input)).toBe('must not have leading zeros (such as "1.00", not "01.00")');
    },
  );

  it.each([['0.50'], ['0.5'], ['0.01']])('accepts %j, whose one zero before the point is no leading zero', (input) => {
    expect(accepted(input)).toBe(new Decimal(input).toFixed(2));
  });

  it.each([[NaN], [Infinity], [-Infinity], [null], [undefined], [true], [{}], [[]], [{ amount: '1' }]])(
    'refuses %p, which is not a finite number or a string',
    (input) => {
      expect(refusal(input)).toBe('must be a decimal string such as "100.50"');
    },
  );

  it.each([['1.001'], ['0.005'], ['100.999'], [1.001], [0.125]])('refuses %p with 3 fraction digits', (input) => {
    expect(refusal(input)).toBe('must have at most 2 fraction digits');
  });

  it.each([['1000000000.01'], ['99999999999999999999'], [1e15], [Number.MAX_SAFE_INTEGER], ['9'.repeat(400)]])(
    'refuses the absurdly large amount %p',
    (input) => {
      expect(refusal(input)).toBe(`must not exceed ${MAX_AMOUNT.toFixed(2)}`);
    },
  );

  it.each([['1e3'], ['1E3'], ['1e-2'], [1e21], [1e-7], [5e-324]])('refuses the exponent form %p', (input) => {
    expect(refusal(input)).toBe('must be a decimal number such as "100.50"');
  });

  it('never goes through a binary float: 0.1 + 0.2 is exactly 0.30', () => {
    const a = parseAmount('0.1');
    const b = parseAmount(0.2);
    if ('error' in a || 'error' in b) throw new Error('refused');
    expect(formatAmount(a.amount.plus(b.amount))).toBe('0.30');
  });
});

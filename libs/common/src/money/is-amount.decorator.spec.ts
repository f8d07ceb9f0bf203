import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parseJsonKeepingNumberSources } from '../http/json-number-sources';
import { IsAmount } from './is-amount.decorator';

class Body {
  @IsAmount()
  amount: unknown;
}

/** The amount and refusals of `text` read as a request body is: parsed, transformed, validated. */
function received(text: string, parse: (text: string) => unknown = parseJsonKeepingNumberSources) {
  const body = plainToInstance(Body, parse(text));
  return { amount: body.amount, errors: validateSync(body).flatMap((e) => Object.values(e.constraints ?? {})) };
}

describe(IsAmount.name, () => {
  it('judges a JSON number by its text, not by the double JSON.parse makes of it', () => {
    expect(received('{"amount":1.0000000000000000001}').errors).toEqual(['amount must have at most 2 fraction digits']);
    // What plain JSON.parse would have let through: the double is 1.
    expect(received('{"amount":1.0000000000000000001}', JSON.parse.bind(JSON))).toEqual({ amount: 1, errors: [] });
  });

  it.each([
    ['1e2', 'amount must be a decimal number such as "100.50"'],
    ['1E+2', 'amount must be a decimal number such as "100.50"'],
    ['100.001', 'amount must have at most 2 fraction digits'],
    ['-0', 'amount must be greater than 0'],
    ['0.0', 'amount must be greater than 0'],
    ['1e400', 'amount must be a decimal number such as "100.50"'],
  ])('refuses the JSON number %s', (number, message) => {
    expect(received(`{"amount":${number}}`).errors).toEqual([message]);
  });

  it.each([
    ['100.5', '100.5'],
    ['100.50', '100.50'],
    ['100', '100'],
    ['0.07', '0.07'],
  ])('accepts the JSON number %s and hands on its text %j', (number, text) => {
    expect(received(`{"amount":${number}}`)).toEqual({ amount: text, errors: [] });
  });

  it.each([
    ['"100.50"', '100.50', []],
    ['"0001.00"', '0001.00', ['amount must not have leading zeros (such as "1.00", not "01.00")']],
    ['"01"', '01', ['amount must not have leading zeros (such as "1.00", not "01.00")']],
    ['"0.50"', '0.50', []],
    ['true', true, ['amount must be a decimal string such as "100.50"']],
  ])('takes the JSON value %s as it is', (json, amount, errors) => {
    expect(received(`{"amount":${json}}`)).toEqual({ amount, errors });
  });
});

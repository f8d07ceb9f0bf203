import { keepNumberSources, numberSourceOf, parseJsonKeepingNumberSources } from './json-number-sources';

describe('JSON number sources', () => {
  it('keeps the text of every number beside the double JSON.parse makes of it', () => {
    const body = parseJsonKeepingNumberSources(
      '{"amount":1.0000000000000000001,"big":1e2,"neg":-0,"plain":100.50,"nested":{"a":[0.125, 7]}}',
    ) as Record<string, any>;
    expect(body).toEqual({ amount: 1, big: 100, neg: -0, plain: 100.5, nested: { a: [0.125, 7] } });
    expect(numberSourceOf(body, 'amount')).toBe('1.0000000000000000001');
    expect(numberSourceOf(body, 'big')).toBe('1e2');
    expect(numberSourceOf(body, 'neg')).toBe('-0');
    expect(numberSourceOf(body, 'plain')).toBe('100.50');
    expect(numberSourceOf(body.nested.a, 0)).toBe('0.125');
    expect(numberSourceOf(body.nested.a, '1')).toBe('7');
  });

  it('keeps no text for strings, other values, or numbers parsed without it', () => {
    const body = parseJsonKeepingNumberSources('{"amount":"1.00","flag":true,"none":null}');
    for (const key of ['amount', 'flag', 'none', 'missing']) expect(numberSourceOf(body, key)).toBeUndefined();
    const plain = JSON.parse('{"amount":1.5}');
    expect(numberSourceOf(plain, 'amount')).toBeUndefined();
    expect(numberSourceOf({ ...(parseJsonKeepingNumberSources('{"amount":1.5}') as object) }, 'amount')).toBe(
      undefined,
    );
    expect(numberSourceOf(undefined, 'amount')).toBeUndefined();
  });

  it('leaves the values alone, so a bare number or an array parses as before', () => {
    expect(JSON.parse('12.30', keepNumberSources)).toBe(12.3);
    expect(JSON.parse('[1,"2",{"x":3}]', keepNumberSources)).toEqual([1, '2', { x: 3 }]);
  });

  it('runs where JSON.parse gives a reviver the source text (Node 24, which the services run on)', () => {
    let seen: unknown;
    JSON.parse('1.10', (_key, value, context?: { source?: string }) => ((seen = context?.source), value));
    expect(seen).toBe('1.10');
  });
});

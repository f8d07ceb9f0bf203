import { assertValid, withDefaults } from '../txmsg.options';

describe('TxMsgModule metrics options', () => {
  const base = { service: 'bank1', broker: { uri: 'amqp://guest:guest@127.0.0.1:5672' } };

  it('reads the database gauges at most every 5 s by default, with no token', () => {
    const options = withDefaults({ ...base, metrics: {} });
    expect(options.metrics).toEqual({ path: 'metrics', token: undefined, readIntervalMs: 5000 });
    expect(() => assertValid(options)).not.toThrow();
    expect(withDefaults({ ...base, metrics: { readIntervalMs: undefined } }).metrics).toMatchObject({
      readIntervalMs: 5000,
    });
  });

  it('takes metrics: true as metrics: {}', () => {
    expect(withDefaults({ ...base, metrics: true }).metrics).toEqual(withDefaults({ ...base, metrics: {} }).metrics);
    expect(withDefaults({ ...base, metrics: false }).metrics).toBe(false);
  });

  it('refuses a path no route could have', () => {
    expect(() => assertValid(withDefaults({ ...base, metrics: { path: 'a b' } }))).toThrow(
      /metrics\.path must be a path/,
    );
    expect(withDefaults({ ...base, metrics: { path: '/ops/metrics/' } }).metrics).toMatchObject({
      path: 'ops/metrics',
    });
  });

  it('keeps a token and an interval given', () => {
    const options = withDefaults({ ...base, metrics: { path: 'm', token: 'scrape-Token_1.2~', readIntervalMs: 250 } });
    expect(options.metrics).toEqual({ path: 'm', token: 'scrape-Token_1.2~', readIntervalMs: 250 });
    expect(() => assertValid(options)).not.toThrow();
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the read interval %p', (readIntervalMs) => {
    expect(() => assertValid(withDefaults({ ...base, metrics: { readIntervalMs } }))).toThrow(
      /metrics\.readIntervalMs must be a positive whole number/,
    );
  });

  it.each(['', ' ', 'two words', 'tab\there', 'jeton-é'])(
    'refuses the token %j, which no scrape could send',
    (token) => {
      expect(() => assertValid(withDefaults({ ...base, metrics: { token } }))).toThrow(
        /metrics\.token must be printable ASCII without spaces/,
      );
    },
  );
});

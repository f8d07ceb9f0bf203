import { assertValid, DEFAULT_LADDER_MS, withDefaults } from './txmsg.options';

describe('TxMsgModule options', () => {
  const base = { service: 'bank1', broker: { uri: 'amqp://guest:guest@127.0.0.1:5672' } };

  it('fills in the seed ladder and defaults that pass validation', () => {
    const options = withDefaults(base);
    expect(options.retry.ladderMs).toEqual(DEFAULT_LADDER_MS);
    expect(DEFAULT_LADDER_MS.map((ms) => ms / 60_000)).toEqual([1, 5, 10, 30, 60, 120, 300, 600]);
    expect(options.broker.exchange).toBe('txmsg.events');
    expect(options.check).toMatchObject({ firstCheckAfterMs: 6000, intervalMs: 60_000, maxChecks: 15 });
    expect(options.notify.ladderMs).toEqual(DEFAULT_LADDER_MS);
    expect(options.consumer.maxBatch).toBe(50);
    expect(() => assertValid(options)).not.toThrow();
  });

  it('keeps retention longer than the whole ladder by default', () => {
    const ladderMs = [3_600_000, 48 * 3_600_000, 200 * 3_600_000];
    const options = withDefaults({ ...base, retry: { ladderMs } });
    expect(options.housekeeping.retentionMs).toBeGreaterThan(ladderMs.reduce((a, b) => a + b));
  });

  it('lists every problem in one sentence-per-problem error', () => {
    const options = withDefaults({
      service: 'Bank 1',
      broker: { uri: 'http://nope', prefetch: 0 },
      retry: { ladderMs: [] },
      consumer: { maxBatch: 0 },
    });
    expect(() => assertValid(options)).toThrow(
      /service must be a lower-case name.*broker\.uri must be an amqp.*broker\.prefetch must be a positive whole number.*consumer\.maxBatch must be a positive whole number.*retry\.ladderMs must have at least one step/,
    );
  });

  it('refuses a retention that a late redelivery could outlive', () => {
    const options = withDefaults({ ...base, retry: { ladderMs: [1000, 2000] }, housekeeping: { retentionMs: 2500 } });
    expect(() => assertValid(options)).toThrow(/retentionMs \(2500\) must exceed the whole retry ladder \(3000 ms\)/);
  });

  it('sends lost retries again after an hour by default, and never after their dedup rows are purged', () => {
    expect(withDefaults(base).housekeeping.redispatchAfterMs).toBe(3_600_000);
    const short = withDefaults({ ...base, retry: { ladderMs: [100] }, housekeeping: { retentionMs: 60_000 } });
    expect(short.housekeeping.redispatchAfterMs).toBe(30_000);
    expect(() => assertValid(short)).not.toThrow();
    const late = withDefaults({
      ...base,
      housekeeping: { retentionMs: 8 * 24 * 3_600_000, redispatchAfterMs: 8 * 24 * 3_600_000 },
    });
    expect(() => assertValid(late)).toThrow(
      /redispatchAfterMs \(691200000\) must be shorter than housekeeping\.retentionMs/,
    );
    const zero = withDefaults({ ...base, housekeeping: { redispatchAfterMs: 0 } });
    expect(() => assertValid(zero)).toThrow(/housekeeping\.redispatchAfterMs must be a positive whole number, got 0/);
  });

  it.each([
    'https://a.example/hooks?x=1',
    'https://a.example/hooks#x',
    'http://user@a.example',
    'ftp://a.example',
    'a.example',
    'https://a.example/hooks/..%2Fadmin/',
  ])('refuses the receiver %j', (receiver) => {
    const options = withDefaults({
      ...base,
      notify: { secrets: { 'http://ok.example:8080': 'k0', [receiver]: 'k1' } },
    });
    expect(() => assertValid(options)).toThrow(
      /notify\.secrets keys must be receivers such as "https:\/\/merchant\.example:8443"/,
    );
  });

  it('accepts receivers that are origins or origins with a path prefix, each with its own key', () => {
    const secrets = { 'https://a.example': 'k1', 'https://a.example/hooks/': 'k2', 'http://10.0.0.7:8080/n': 'k3' };
    expect(() => assertValid(withDefaults({ ...base, notify: { secrets } }))).not.toThrow();
  });

  it('allows no receiver by default', () => {
    expect(withDefaults(base).notify.secrets).toEqual({});
  });

  it.each([
    [{ secret: 'shared', allowedOrigins: ['https://a.example', 'https://b.example'] }],
    [{ secret: 'shared' }],
    [{ allowedOrigins: ['https://a.example'] }],
  ])('refuses a key shared by receivers (%j), naming notify.secrets as the fix', (notify) => {
    expect(() => assertValid(withDefaults({ ...base, notify }))).toThrow(
      /notify\.secret and notify\.allowedOrigins are no longer accepted: .*forge webhooks.*its own key in notify\.secrets/,
    );
  });

  it('refuses one key given to two receivers, and two spellings of one receiver, without repeating the key', () => {
    const shared = withDefaults({
      ...base,
      notify: { secrets: { 'https://a.example/': 'whsec_c2VjcmV0', 'https://b.example/hooks/': 'secret' } },
    });
    expect(() => assertValid(shared)).toThrow(
      /notify\.secrets gives https:\/\/a\.example and https:\/\/b\.example\/hooks\/ the same key/,
    );
    expect(() => assertValid(shared)).not.toThrow(/c2VjcmV0|: secret/);
    const twice = withDefaults({
      ...base,
      notify: { secrets: { 'https://A.example:443': 'k1', 'https://a.example/': 'k2' } },
    });
    expect(() => assertValid(twice)).toThrow(/notify\.secrets names the receiver https:\/\/a\.example twice/);
  });

  it('refuses a whsec_ key that is not base64, without repeating it', () => {
    const options = withDefaults({
      ...base,
      notify: { secrets: { 'https://a.example': 'whsec_', 'https://b.example/h/': 'whsec_not*base64' } },
    });
    expect(() => assertValid(options)).toThrow(
      /https:\/\/a\.example: a whsec_ secret must be followed by base64.*https:\/\/b\.example\/h\/: a whsec_ secret/,
    );
    expect(() => assertValid(options)).not.toThrow(/not\*base64/);
    const valid = withDefaults({ ...base, notify: { secrets: { 'https://a.example': 'whsec_c2VjcmV0' } } });
    expect(() => assertValid(valid)).not.toThrow();
  });
});

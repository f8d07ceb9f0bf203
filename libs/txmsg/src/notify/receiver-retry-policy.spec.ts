import { resolveNotifyPolicy } from './receiver-retry-policy';

describe('resolveNotifyPolicy', () => {
  it('retries every failed attempt on the notify ladder by default', () => {
    const policy = resolveNotifyPolicy(undefined, [100, 200], 'https://r.example');
    expect(policy).toMatchObject({ ladderMs: [100, 200], maxAttempts: 3, jitter: 0 });
    expect(policy.retries('http_status', 400)).toBe(true);
  });

  it('retries only the listed failure categories, or what the predicate accepts', () => {
    const listed = resolveNotifyPolicy({ retryOn: ['timed_out', 'connect_failed'] }, [100], 'r');
    expect(listed.retries('timed_out', null)).toBe(true);
    expect(listed.retries('http_status', 500)).toBe(false);
    const fiveHundreds = resolveNotifyPolicy(
      { retryOn: (f, status) => f !== 'http_status' || status! >= 500 },
      [1],
      'r',
    );
    expect(fiveHundreds.retries('http_status', 503)).toBe(true);
    expect(fiveHundreds.retries('http_status', 404)).toBe(false);
  });

  it('refuses unknown categories and a wrong ladder, naming the receiver', () => {
    expect(() => resolveNotifyPolicy({ retryOn: ['teapot' as never], ladder: [] }, [1], 'https://r.example')).toThrow(
      /notify.retryPolicies\["https:\/\/r.example"\]: ladder must have at least one step.*retryOn must list failure categories/,
    );
  });
});

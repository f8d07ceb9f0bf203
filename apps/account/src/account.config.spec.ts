import { ConfigError } from '@app/common';
import { loadAccountConfig } from './account.config';

/** Message signing is required: every configuration under test has a key. */
const SIGNING = { MESSAGE_KEY_ID: 'k1', MESSAGE_KEYS: `k1:${'s'.repeat(32)}` };

describe(loadAccountConfig.name, () => {
  it('reaches pay on its default port, has no webhook key and reconciles after 30 s by default', () => {
    expect(loadAccountConfig({ ...SIGNING })).toMatchObject({
      service: 'account',
      port: 3004,
      db: { database: 'account' },
      payUrl: 'http://127.0.0.1:3003',
      payTimeoutMs: 5000,
      payAdminToken: undefined,
      notifySecret: undefined,
      publicUrl: 'http://127.0.0.1:3004',
      reconcile: { afterMs: 30_000, intervalMs: 10_000, deadlineMs: 3_600_000 },
    });
  });

  it('takes PAY_URL, PAY_ADMIN_TOKEN, NOTIFY_SECRET, ACCOUNT_PUBLIC_URL and the RECONCILE_* timings from the environment', () => {
    expect(
      loadAccountConfig({
        ...SIGNING,
        PAY_URL: 'https://pay.internal:8443/',
        NOTIFY_SECRET: 's3cret',
        ACCOUNT_PUBLIC_URL: 'https://account.example/',
        PAY_TIMEOUT: '800ms',
        PAY_ADMIN_TOKEN: 'pay-admin',
        RECONCILE_AFTER: '1s',
        RECONCILE_INTERVAL: '200ms',
        RECONCILE_DEADLINE: '5s',
        RECONCILE_PULL: 'false',
      }),
    ).toMatchObject({
      payUrl: 'https://pay.internal:8443',
      notifySecret: 's3cret',
      publicUrl: 'https://account.example',
      payTimeoutMs: 800,
      payAdminToken: 'pay-admin',
      reconcile: { afterMs: 1000, intervalMs: 200, deadlineMs: 5000, pull: false },
    });
  });

  it("pulls pay's result list unless RECONCILE_PULL is false", () => {
    expect(loadAccountConfig({ ...SIGNING }).reconcile.pull).toBe(true);
  });

  it('points its webhook at its own PORT unless told otherwise', () => {
    expect(loadAccountConfig({ ...SIGNING, PORT: '4567' }).publicUrl).toBe('http://127.0.0.1:4567');
  });

  it.each([
    [{ PAY_URL: 'ftp://pay' }, 'PAY_URL must be a URL starting with http:// or https://, got "ftp://pay".'],
    [{ ACCOUNT_PUBLIC_URL: 'account' }, 'ACCOUNT_PUBLIC_URL must be a URL, got "account".'],
    [{ PAY_TIMEOUT: '5' }, 'PAY_TIMEOUT is invalid: "5" is not a duration like 500ms, 30s, 5m or 2h.'],
    [{ RECONCILE_AFTER: 'soon' }, 'RECONCILE_AFTER is invalid: "soon" is not a duration like 500ms, 30s, 5m or 2h.'],
    [{ RECONCILE_INTERVAL: '0s' }, /^RECONCILE_INTERVAL is invalid: .+\.$/],
    [
      { RECONCILE_AFTER: '2h' },
      'RECONCILE_DEADLINE (3600000 ms) must be longer than RECONCILE_AFTER (7200000 ms), or pending recharges would fail before they are ever queried.',
    ],
  ])('fails fast on %j with one sentence naming the variable', (env, sentence) => {
    const load = () => loadAccountConfig({ ...SIGNING, ...env });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(sentence);
  });
});

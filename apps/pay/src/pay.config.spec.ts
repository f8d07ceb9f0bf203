import { ConfigError } from '@app/common';
import Decimal from 'decimal.js';
import { loadPayConfig } from './pay.config';

/** Message signing is required: every configuration under test has a key. */
const SIGNING = { MESSAGE_KEY_ID: 'k1', MESSAGE_KEYS: `k1:${'s'.repeat(32)}` };

describe(loadPayConfig.name, () => {
  it('listens on 3003, has no webhook receivers and a 50000.00 recharge limit by default', () => {
    const config = loadPayConfig({ ...SIGNING });
    expect(config).toMatchObject({ service: 'pay', port: 3003, notifySecrets: {} });
    expect(config.rechargeLimit.toFixed(2)).toBe('50000.00');
  });

  it('reads NOTIFY_SECRETS as receiver=key pairs, spelt the way the notifier compares them', () => {
    const config = loadPayConfig({
      ...SIGNING,
      NOTIFY_SECRETS: 'https://A.example:443=k1, http://b.example:8080/hooks/=k=2,HTTP://C.example/a/./b/../n=k3',
      RECHARGE_LIMIT: '100.5',
    });
    expect(config.notifySecrets).toEqual({
      'https://a.example': 'k1',
      'http://b.example:8080/hooks/': 'k=2',
      'http://c.example/a/n': 'k3',
    });
    expect(config.rechargeLimit).toEqual(new Decimal('100.50'));
  });

  it('refuses NOTIFY_URL_ALLOW, whose receivers shared one key, naming NOTIFY_SECRETS as the fix', () => {
    for (const env of [
      { NOTIFY_URL_ALLOW: 'http://a.example', NOTIFY_SECRET: 'k' },
      { NOTIFY_URL_ALLOW: 'http://a.example' },
    ]) {
      const failure = () => loadPayConfig({ ...SIGNING, ...env });
      expect(failure).toThrow(ConfigError);
      expect(failure).toThrow(
        /^NOTIFY_URL_ALLOW is no longer accepted: .*forge webhooks.* its own key in NOTIFY_SECRETS instead, e\.g\. NOTIFY_SECRETS=http/,
      );
    }
  });

  it("does not read NOTIFY_SECRET, the receiving side's key: alone it signs nothing at pay", () => {
    expect(loadPayConfig({ ...SIGNING, NOTIFY_SECRET: 'k' })).toMatchObject({ notifySecrets: {} });
  });

  it.each([
    ['https://a.example', 'NOTIFY_SECRETS entry 1 must be receiver=key'],
    ['https://a.example=k1,ftp://b=k2', 'NOTIFY_SECRETS entry 2 must be receiver=key'],
    ['https://a.example/hooks?x=k1', 'NOTIFY_SECRETS entry 1 must be receiver=key'],
    ['https://user@a.example/=k1', 'NOTIFY_SECRETS entry 1 must be receiver=key'],
    ['https://a.example/..%2Fadmin/=k1', 'NOTIFY_SECRETS entry 1 must be receiver=key'],
    ['=k1', 'NOTIFY_SECRETS entry 1 must be receiver=key'],
    ['https://a.example=', 'NOTIFY_SECRETS entry 1 must be receiver=key'],
    ['https://a.example=k1,https://A.example:443/=k2', 'NOTIFY_SECRETS names the receiver https://a.example twice.'],
  ])('refuses NOTIFY_SECRETS=%j with a sentence that names it and no key', (value, sentence) => {
    const failure = () => loadPayConfig({ ...SIGNING, NOTIFY_SECRETS: value });
    expect(failure).toThrow(ConfigError);
    expect(failure).toThrow(sentence);
    expect(failure).not.toThrow(/k1|k2/);
  });

  it.each(['0', '-5', 'lots', '1.001'])('refuses RECHARGE_LIMIT=%j', (value) => {
    expect(() => loadPayConfig({ ...SIGNING, RECHARGE_LIMIT: value })).toThrow(
      new RegExp(`^RECHARGE_LIMIT must be an amount such as 50000\\.00 \\(it .+\\), got "${value}"\\.$`),
    );
  });
});

import { ConfigError } from '@app/common';
import Decimal from 'decimal.js';
import { loadPayConfig } from './pay.config';
import { notifySecretFor } from './recharges/notify-secrets';

describe(loadPayConfig.name, () => {
  it('listens on 3003, has no webhook keys and a 50000.00 recharge limit by default', () => {
    const config = loadPayConfig({});
    expect(config).toMatchObject({ service: 'pay', port: 3003, notifySecret: undefined, notifySecrets: {} });
    expect(config.rechargeLimit.toFixed(2)).toBe('50000.00');
  });

  it('reads NOTIFY_SECRETS as origin=key pairs, keyed the way the notifier looks them up', () => {
    const config = loadPayConfig({
      NOTIFY_SECRET: 'default-key',
      NOTIFY_SECRETS: 'https://A.example:443=k1, http://b.example:8080=k=2',
      RECHARGE_LIMIT: '100.5',
    });
    expect(config.notifySecrets).toEqual({ 'https://a.example': 'k1', 'http://b.example:8080': 'k=2' });
    expect(config.rechargeLimit).toEqual(new Decimal('100.50'));
    expect(notifySecretFor(config, 'https://a.example/notify?x=1')).toBe('k1');
    expect(notifySecretFor(config, 'http://b.example:8080/hook')).toBe('k=2');
    expect(notifySecretFor(config, 'http://b.example/hook')).toBe('default-key');
    expect(notifySecretFor({ notifySecrets: {} }, 'http://c.example/')).toBeUndefined();
  });

  it.each([
    ['https://a.example', 'NOTIFY_SECRETS entry 1 must be origin=key'],
    ['https://a.example=k1,ftp://b=k2', 'NOTIFY_SECRETS entry 2 must be origin=key'],
    ['https://a.example/path=k1', 'NOTIFY_SECRETS entry 1 must be origin=key'],
    ['=k1', 'NOTIFY_SECRETS entry 1 must be origin=key'],
    ['https://a.example=', 'NOTIFY_SECRETS entry 1 must be origin=key'],
    ['https://a.example=k1,https://A.example:443=k2', 'NOTIFY_SECRETS names the origin https://a.example twice.'],
  ])('refuses NOTIFY_SECRETS=%j with a sentence that names it and no key', (value, sentence) => {
    const failure = () => loadPayConfig({ NOTIFY_SECRETS: value });
    expect(failure).toThrow(ConfigError);
    expect(failure).toThrow(sentence);
    expect(failure).not.toThrow(/k1|k2/);
  });

  it.each(['0', '-5', 'lots', '1.001'])('refuses RECHARGE_LIMIT=%j', (value) => {
    expect(() => loadPayConfig({ RECHARGE_LIMIT: value })).toThrow(
      new RegExp(`^RECHARGE_LIMIT must be an amount such as 50000\\.00 \\(it .+\\), got "${value}"\\.$`),
    );
  });
});

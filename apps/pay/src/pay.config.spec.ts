import { ConfigError } from '@app/common';
import Decimal from 'decimal.js';
import { loadPayConfig } from './pay.config';

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
  });

  it('reads NOTIFY_URL_ALLOW as canonical origins', () => {
    const config = loadPayConfig({
      NOTIFY_SECRET: 'k',
      NOTIFY_URL_ALLOW: 'HTTP://Account.example:80, http://127.0.0.1:3004,http://[::1]:8080',
    });
    expect(config.notifyUrlAllow).toEqual(['http://account.example', 'http://127.0.0.1:3004', 'http://[::1]:8080']);
    expect(loadPayConfig({}).notifyUrlAllow).toEqual([]);
  });

  it.each([
    ['http://a.example/hook', 'NOTIFY_URL_ALLOW entry 1 must be an http(s) origin'],
    ['http://a.example,ftp://b.example', 'NOTIFY_URL_ALLOW entry 2 must be an http(s) origin'],
    ['http://user@a.example', 'NOTIFY_URL_ALLOW entry 1 must be an http(s) origin'],
    ['http://a.example,', 'NOTIFY_URL_ALLOW entry 2 must be an http(s) origin'],
  ])('refuses NOTIFY_URL_ALLOW=%j', (value, sentence) => {
    expect(() => loadPayConfig({ NOTIFY_SECRET: 'k', NOTIFY_URL_ALLOW: value })).toThrow(sentence);
  });

  it('refuses NOTIFY_URL_ALLOW without the NOTIFY_SECRET that would sign for it', () => {
    expect(() => loadPayConfig({ NOTIFY_URL_ALLOW: 'http://a.example' })).toThrow(/NOTIFY_SECRET is not set/);
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

import { NotifyTargets } from './notify-targets';

describe(NotifyTargets.name, () => {
  const targets = new NotifyTargets({
    secret: 'shared',
    secrets: { 'https://Merchant.example:443': 'own' },
    allowedOrigins: ['http://127.0.0.1:3004', 'HTTP://Account.example:80'],
  });

  it.each([
    ['http://127.0.0.1:3004/notifications/recharge', 'shared'],
    ['http://account.example/hook', 'shared'],
    ['http://ACCOUNT.example:80/hook', 'shared'],
    ['https://merchant.example/notify?x=1', 'own'],
  ])('allows %s, signed with the %s key', (url, secret) => {
    expect(targets.refusalOf(url)).toBeUndefined();
    expect(targets.resolve(url).secret).toBe(secret);
  });

  it('sends to the canonical URL', () => {
    expect(targets.resolve('HTTP://0x7f000001:3004/a/../hook').url).toBe('http://127.0.0.1:3004/hook');
  });

  it.each([
    ['http://127.0.0.1:3005/hook', 'not_allowed', 'http://127.0.0.1:3005'],
    ['http://localhost:3004/hook', 'not_allowed', 'http://localhost:3004'],
    ['http://[::ffff:127.0.0.1]:3004/hook', 'not_allowed', 'http://[::ffff:7f00:1]:3004'],
    ['http://0.0.0.0:3004/hook', 'not_allowed', 'http://0.0.0.0:3004'],
    ['http://a\\@127.0.0.1:3004/', 'not_allowed', 'http://a'],
    ['https://account.example/hook', 'not_allowed', 'https://account.example'],
    ['http://user:pw@127.0.0.1:3004/hook', 'userinfo', 'http://127.0.0.1:3004'],
    ['http://user@account.example/hook', 'userinfo', 'http://account.example'],
    ['ftp://account.example/', 'not_http', undefined],
    ['not a url', 'not_http', undefined],
  ])('refuses %s as %s', (url, reason, origin) => {
    expect(targets.refusalOf(url)).toMatchObject(origin ? { reason, origin } : { reason });
    expect(() => targets.resolve(url)).toThrow(targets.refusalOf(url)!.message);
  });

  it('refuses an allowed origin it has no key for', () => {
    const keyless = new NotifyTargets({ secrets: {}, allowedOrigins: ['http://a.example'] });
    expect(keyless.refusalOf('http://a.example/hook')).toMatchObject({
      reason: 'no_secret',
      origin: 'http://a.example',
    });
  });
});

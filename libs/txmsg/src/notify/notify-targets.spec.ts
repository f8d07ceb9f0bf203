import { NotifyTargets } from './notify-targets';

describe(NotifyTargets.name, () => {
  const targets = new NotifyTargets({
    secrets: {
      'https://Merchant.example:443': 'merchant',
      'http://127.0.0.1:3004/notifications/': 'account',
      'HTTP://Account.example:80/hooks': 'hooks',
      'HTTP://Account.example:80/hooks/pay/': 'pay-hooks',
    },
  });

  it.each([
    ['http://127.0.0.1:3004/notifications/recharge', 'account'],
    ['http://account.example/hooks', 'hooks'],
    ['http://ACCOUNT.example:80/hooks/a', 'hooks'],
    ['http://account.example/hooks/pay/x', 'pay-hooks'],
    ['http://account.example/%68ooks/x', 'hooks'],
    ['https://merchant.example/notify?x=1', 'merchant'],
    ['https://merchant.example/anything/at/all', 'merchant'],
  ])('allows %s, signed with the key of the %s receiver', (url, secret) => {
    expect(targets.refusalOf(url)).toBeUndefined();
    expect(targets.resolve(url).secret).toBe(secret);
  });

  it('sends to the canonical URL, and names the receiver that covers it', () => {
    expect(targets.resolve('HTTP://0x7f000001:3004/notifications/a/../hook')).toMatchObject({
      url: 'http://127.0.0.1:3004/notifications/hook',
      receiver: 'http://127.0.0.1:3004/notifications/',
    });
  });

  it.each([
    ['http://127.0.0.1:3005/notifications/x', 'not_allowed', 'http://127.0.0.1:3005'],
    ['http://localhost:3004/notifications/x', 'not_allowed', 'http://localhost:3004'],
    ['http://[::ffff:127.0.0.1]:3004/notifications/x', 'not_allowed', 'http://[::ffff:7f00:1]:3004'],
    ['http://0.0.0.0:3004/notifications/x', 'not_allowed', 'http://0.0.0.0:3004'],
    ['http://a\\@127.0.0.1:3004/', 'not_allowed', 'http://a'],
    ['https://account.example/hooks', 'not_allowed', 'https://account.example'],
    ['http://user:pw@127.0.0.1:3004/notifications/x', 'userinfo', 'http://127.0.0.1:3004'],
    ['http://user@account.example/hooks', 'userinfo', 'http://account.example'],
    ['ftp://account.example/', 'not_http', undefined],
    ['not a url', 'not_http', undefined],
  ])('refuses %s as %s', (url, reason, origin) => {
    expect(targets.refusalOf(url)).toMatchObject(origin ? { reason, origin } : { reason });
    expect(() => targets.resolve(url)).toThrow(targets.refusalOf(url)!.message);
  });

  // Paths of an allowed origin that are not under its receiver's prefix, however they are spelt:
  // dot segments (plain, percent-encoded, after a backslash) are resolved before the comparison,
  // and spellings a receiver's server could still resolve differently are refused outright.
  it.each([
    ['http://127.0.0.1:3004/txmsg/parked/requeue', '/txmsg/parked/requeue'],
    ['http://127.0.0.1:3004/notifications/../txmsg/parked/requeue', '/txmsg/parked/requeue'],
    ['http://127.0.0.1:3004/notifications/%2e%2e/txmsg/parked/requeue', '/txmsg/parked/requeue'],
    ['http://127.0.0.1:3004/notifications/.%2E/txmsg', '/txmsg'],
    ['http://127.0.0.1:3004/notifications\\..\\txmsg', '/txmsg'],
    ['http://127.0.0.1:3004/notifications/..%2Ftxmsg/parked', '/notifications/..%2Ftxmsg/parked'],
    ['http://127.0.0.1:3004/notifications/..%5ctxmsg', '/notifications/..%5ctxmsg'],
    ['http://127.0.0.1:3004/notifications/..;/txmsg', '/notifications/..;/txmsg'],
    ['http://127.0.0.1:3004/notifications', '/notifications'],
    ['http://127.0.0.1:3004/', '/'],
    ['http://account.example/hooksmith', '/hooksmith'],
    ['http://account.example/Hooks/a', '/Hooks/a'],
  ])('refuses %s, outside every receiver path of its origin', (url, path) => {
    expect(targets.refusalOf(url)).toMatchObject({ reason: 'outside_path', path });
    expect(() => targets.resolve(url)).toThrow(/is outside the paths of the notification receivers at http/);
  });

  it('allows nothing without receivers', () => {
    const none = new NotifyTargets({ secrets: {} });
    expect(none.refusalOf('http://a.example/hook')).toMatchObject({
      reason: 'not_allowed',
      origin: 'http://a.example',
    });
  });
});

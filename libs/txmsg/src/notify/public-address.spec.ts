import type { LookupFunction } from 'node:net';
import { isPublicAddress } from './is-public-address';
import { publicOnlyLookup, REFUSED_ADDRESS } from './public-address';

describe(isPublicAddress.name, () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'IPv6 loopback'],
    ['10.1.2.3', 'RFC 1918'],
    ['172.16.0.1', 'RFC 1918'],
    ['172.31.255.255', 'RFC 1918'],
    ['192.168.1.1', 'RFC 1918'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['fe80::1', 'IPv6 link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'IPv6 unspecified'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'IPv6 multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['2002:7f00:1::', '6to4 of loopback'],
    ['not-an-address', 'garbage'],
  ])('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2001:4860:4860::8888', '::ffff:8.8.8.8'])(
    'accepts the public address %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe(publicOnlyLookup.name, () => {
  /** A resolver that answers `addresses` for every name, the way dns.lookup does with `all`. */
  const resolver =
    (...addresses: string[]): LookupFunction =>
    (_hostname, options, callback) => {
      const all = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      if (options.all) callback(null, all);
      else callback(null, all[0].address, all[0].family);
    };
  const resolve = (lookup: LookupFunction, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((done) =>
      lookup('receiver.example', { all }, (error, address) => done({ error, address })),
    );

  it.each([true, false])('passes public addresses through (all: %s)', async (all) => {
    const { error, address } = await resolve(publicOnlyLookup(resolver('93.184.216.34')), all);
    expect(error).toBeNull();
    expect(address).toEqual(all ? [{ address: '93.184.216.34', family: 4 }] : '93.184.216.34');
  });

  it.each([['127.0.0.1'], ['::ffff:127.0.0.1'], ['93.184.216.34', '10.0.0.1']])(
    'fails the connection when the name resolves to %s',
    async (...addresses) => {
      const { error } = await resolve(publicOnlyLookup(resolver(...addresses)), true);
      expect(error).toMatchObject({
        code: REFUSED_ADDRESS,
        message: expect.stringMatching(/^receiver\.example resolves to .+, which is not a public address$/),
      });
    },
  );

  it('passes resolver errors on unchanged', async () => {
    const failing: LookupFunction = (_h, _o, callback) =>
      callback(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), '', 4);
    expect((await resolve(publicOnlyLookup(failing), true)).error).toMatchObject({ code: 'ENOTFOUND' });
  });
});

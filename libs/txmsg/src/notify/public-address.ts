import * as ipaddr from 'ipaddr.js';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';

/** Code of the error {@link publicOnlyLookup} fails a connection with. */
export const REFUSED_ADDRESS = 'ERR_TXMSG_REFUSED_ADDRESS';

/**
 * Whether `address` is a globally routable unicast address. Loopback, private (RFC 1918,
 * fc00::/7), link-local, unspecified, carrier-grade NAT, multicast, broadcast, reserved and
 * documentation ranges are not, and neither is an IPv4 address hidden in an IPv4-mapped IPv6
 * form. Anything that does not parse is not.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

/**
 * A `lookup` for sockets that may only reach public addresses: it resolves like `dns.lookup`
 * and fails the connection (error code {@link REFUSED_ADDRESS}) when any address of the name is
 * not public. The check runs on the very addresses the socket then connects to, so a name that
 * resolves to a public address when a URL is accepted and to an internal one when it is used
 * (DNS rebinding) is still refused. Sockets skip `lookup` for IP literals: those are allowed
 * only by naming them explicitly, which the caller checks.
 */
export function publicOnlyLookup(resolve: LookupFunction = dnsLookup as unknown as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const refused = addresses.find((a) => !isPublicAddress(a));
      if (refused === undefined) return callback(null, address, family);
      const denial = Object.assign(new Error(`${hostname} resolves to ${refused}, which is not a public address`), {
        code: REFUSED_ADDRESS,
      });
      callback(denial, address, family);
    });
  };
}

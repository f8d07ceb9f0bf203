import * as ipaddr from 'ipaddr.js';

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

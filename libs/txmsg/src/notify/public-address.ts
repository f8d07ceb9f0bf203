import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isPublicAddress } from './is-public-address';

/** Code of the error {@link publicOnlyLookup} fails a connection with. */
export const REFUSED_ADDRESS = 'ERR_TXMSG_REFUSED_ADDRESS';

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

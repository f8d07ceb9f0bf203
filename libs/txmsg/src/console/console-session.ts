import { createHmac, timingSafeEqual } from 'node:crypto';

/** The cookie the console's login page sets. */
export const SESSION_COOKIE = 'txmsg_console';

/** How long a login lasts: a working day, so a console left open on a shared screen expires. */
const SESSION_SECONDS = 12 * 3600;

/**
 * The cookie's value: an HMAC of the admin token, never the token itself, so a cookie read off a
 * browser's disk is no bearer token for the admin API. Changing the token logs everyone out.
 */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('txmsg console session').digest('base64url');
}

/** Whether a `Cookie` header carries the session of `token`, compared in constant time. */
export function sessionMatches(cookieHeader: string | undefined, token: string): boolean {
  const given = Buffer.from(cookieOf(cookieHeader, SESSION_COOKIE) ?? '');
  const wanted = Buffer.from(sessionValue(token));
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * The `Set-Cookie` of a login (or, with `value` undefined, of a logout): HttpOnly so no script
 * reads it, SameSite=Strict so no other site's form sends it, scoped to the console's path, and
 * Secure when the request came over HTTPS.
 */
export function sessionCookie(value: string | undefined, path: string, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${value ?? ''}`,
    'HttpOnly',
    'SameSite=Strict',
    `Path=${path}`,
    `Max-Age=${value === undefined ? 0 : SESSION_SECONDS}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

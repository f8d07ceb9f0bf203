import { timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization` header is `Bearer <expected>`. Compared in constant time, so how
 * long a refusal takes says nothing about how much of a guess was right.
 */
export function bearerTokenMatches(authorization: string | undefined, expected: string): boolean {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  const given = Buffer.from(bearer?.[1] ?? '');
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

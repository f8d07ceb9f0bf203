import { parseDuration } from '@txmsg/nestjs';

/** At most `limit` requests per `windowMs` from one client address, per endpoint. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * The default: above what one instance serves on a small machine (about 300 transfers/s measured
 * from one client by the bench), so the demo, the tests and the bench are never throttled, yet
 * one client cannot flood an instance with thousands of requests a second. Operators lower it to
 * what one legitimate client needs.
 */
export const DEFAULT_RATE_LIMIT = '1000/1s';

/**
 * Parses `<requests>/<window>` (`100/1s`, `600/1m`) or `off`.
 * @throws Error with a phrase when the text is neither.
 */
export function parseRateLimit(text: string): RateLimit | undefined {
  if (text.toLowerCase() === 'off') return undefined;
  const match = /^(\d+)\/(.+)$/.exec(text);
  const limit = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(limit) || limit < 1) {
    throw new Error(`"${text}" is not a limit like 100/1s (requests per window) or off.`);
  }
  return { limit, windowMs: parseDuration(match[2]) };
}

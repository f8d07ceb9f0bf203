import { BadRequestException } from '@nestjs/common';
import type { NotificationStatus } from '../store/notification-rows';
import type { NotificationFilter } from '../store/notification-queries';

export const NOTIFICATION_STATUSES: NotificationStatus[] = ['PENDING', 'DELIVERED', 'FAILED'];

/** The largest id a row can have on both engines (PostgreSQL's bigint). */
const MAX_ID = 2n ** 63n - 1n;

/**
 * `status`, `receiver` and `subject` of a console query (the fields a form left empty already
 * dropped), each given once. A receiver is the start of a target URL, scheme and host in any
 * case (stored URLs are canonical, in lower case there), and stops before any query string:
 * the query may hold a receiver's token, which a prefix filter would let someone guess a
 * character at a time from the counts.
 * @throws BadRequestException saying which parameter is wrong and why.
 */
export function parseNotificationFilter(query: Record<string, unknown>): NotificationFilter {
  const status = single('status', query.status, 16);
  if (status !== undefined && !NOTIFICATION_STATUSES.includes(status as NotificationStatus)) {
    throw new BadRequestException(`status must be one of ${NOTIFICATION_STATUSES.join(', ')}`);
  }
  let receiver = single('receiver', query.receiver, 2048);
  if (receiver !== undefined) {
    if (!/^https?:\/\//i.test(receiver) || /[?#]/.test(receiver)) {
      throw new BadRequestException('receiver must be the start of a URL, from http:// or https://, without ? or #');
    }
    receiver = receiver.replace(/^https?:\/\/[^/]*/i, (origin) => origin.toLowerCase());
  }
  const subject = single('subject', query.subject, 191);
  return {
    ...(status === undefined ? {} : { status: status as NotificationStatus }),
    ...(receiver === undefined ? {} : { receiver }),
    ...(subject === undefined ? {} : { subject }),
  };
}

/**
 * A notification's row id, in a path or as the `after` of a page.
 * @throws BadRequestException unless a whole number from 1 to 2^63 - 1.
 */
export function parseRowId(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[1-9]\d{0,18}$/.test(value) || BigInt(value) > MAX_ID) {
    throw new BadRequestException(`${name} must be a notification id: a whole number from 1 to ${MAX_ID}`);
  }
  return value;
}

/** A query parameter given once, as 1 to `max` characters, or not at all. */
function single(name: string, value: unknown, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new BadRequestException(`${name} must be given once, as 1 to ${max} characters`);
  }
  return value;
}

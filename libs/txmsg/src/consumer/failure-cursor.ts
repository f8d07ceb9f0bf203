/** A cursor that {@link FailureQueries.list} never handed out (mistyped, cut, or from another API). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

const PREFIX = 'failure:';

/**
 * The opaque cursor of a page of failed messages: where the next page starts. Opaque so that
 * callers keep handing back what they were given, and the paging key can change without
 * breaking them.
 */
export function encodeFailureCursor(id: string): string {
  return Buffer.from(`${PREFIX}${id}`, 'utf8').toString('base64url');
}

/**
 * The row id a cursor of {@link encodeFailureCursor} stands for.
 * @throws InvalidCursorError for anything else.
 */
export function decodeFailureCursor(cursor: string): string {
  const decoded = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const id = decoded.startsWith(PREFIX) ? decoded.slice(PREFIX.length) : '';
  if (!/^[1-9]\d{0,18}$/.test(id))
    throw new InvalidCursorError('after must be a nextCursor returned by a previous page');
  return id;
}

import { BadRequestException } from '@nestjs/common';

const PREFIX = 'p1:';
const POSITION = /^(0|[1-9][0-9]{0,18})$/;

/**
 * The opaque cursor of pay's result list: base64url of a versioned list position. Receivers
 * store it and hand it back; they never build one.
 */
export function encodeCursor(position: string): string {
  return Buffer.from(`${PREFIX}${position}`, 'utf8').toString('base64url');
}

/** The list position in `cursor`; a 400 for anything pay did not give out. */
export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const position = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : '';
  // Re-encoding catches the bytes base64url decoding silently ignores.
  if (!POSITION.test(position) || encodeCursor(position) !== cursor) {
    throw new BadRequestException('after must be a nextCursor pay gave out');
  }
  return position;
}

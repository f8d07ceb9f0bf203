import { BadRequestException } from '@nestjs/common';
import { decodeCursor, encodeCursor } from './list-cursor';

describe('list cursor', () => {
  it('gives back the position it was made from', () => {
    for (const position of ['0', '1', '42', '9223372036854775807']) {
      expect(decodeCursor(encodeCursor(position))).toBe(position);
    }
  });

  it('is opaque: no digits of the position in clear', () => {
    expect(encodeCursor('12345')).not.toContain('12345');
  });

  it.each([
    ['empty', ''],
    ['not base64url', '!!!'],
    ['a bare number', '17'],
    ['base64 of a bare number', Buffer.from('17').toString('base64url')],
    ['a negative position', Buffer.from('p1:-1').toString('base64url')],
    ['leading zeros', Buffer.from('p1:007').toString('base64url')],
    ['too many digits', Buffer.from(`p1:${'9'.repeat(20)}`).toString('base64url')],
    ['trailing garbage', `${encodeCursor('5')}=`],
  ])('refuses %s with a 400', (_label, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(BadRequestException);
  });
});

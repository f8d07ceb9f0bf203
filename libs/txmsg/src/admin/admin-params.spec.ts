import { BadRequestException } from '@nestjs/common';
import { parseFailureFilter } from './admin-params';

describe(parseFailureFilter.name, () => {
  it('is no filter at all without parameters: a bulk change then takes every parked message', () => {
    expect(parseFailureFilter({})).toEqual({});
  });

  it('takes a consumer, a fingerprint and a search, and none for the rows without a fingerprint', () => {
    expect(
      parseFailureFilter({ consumer: 'Orders.ship', fingerprint: '0123456789abcdef', search: 'order 12' }),
    ).toEqual({ consumer: 'Orders.ship', fingerprint: '0123456789abcdef', search: 'order 12' });
    expect(parseFailureFilter({ fingerprint: 'none' })).toEqual({ fingerprint: null });
  });

  it('takes a park reason in any case', () => {
    expect(parseFailureFilter({ reason: 'forged' })).toEqual({ reason: 'FORGED' });
    expect(parseFailureFilter({ reason: 'CONFLICT', consumer: 'c' })).toEqual({ reason: 'CONFLICT', consumer: 'c' });
  });

  it.each([
    [
      'an upper-case fingerprint',
      { fingerprint: '0123456789ABCDEF' },
      'fingerprint must be 16 lowercase hex digits, or none',
    ],
    ['a short fingerprint', { fingerprint: '0123' }, 'fingerprint must be 16 lowercase hex digits, or none'],
    ['an empty consumer', { consumer: '' }, 'consumer must be given once, as 1 to 191 characters'],
    ['a consumer given twice', { consumer: ['a', 'b'] }, 'consumer must be given once, as 1 to 191 characters'],
    ['a search that is an object', { search: { nested: 'x' } }, 'search must be given once, as 1 to 500 characters'],
    ['a search of 501 characters', { search: 'x'.repeat(501) }, 'search must be given once, as 1 to 500 characters'],
    [
      'an unknown reason',
      { reason: 'LOST' },
      'reason must be one of EXHAUSTED, NOT_RETRIED, POISON, UNRECOVERABLE, NO_QUEUE, OVERSIZED, FORGED, CONFLICT',
    ],
  ])('refuses %s', (_, query, message) => {
    expect(() => parseFailureFilter(query)).toThrow(new BadRequestException(message));
  });
});

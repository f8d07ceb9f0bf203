import { BadRequestException } from '@nestjs/common';
import { ScheduleTransferCommand } from './schedule-transfer.command';
import { toScheduledRequest } from './scheduled-request';

describe(toScheduledRequest.name, () => {
  const now = Date.parse('2026-12-07T12:00:00.000Z');
  const request = (executeAt: string, amount: string | number = '100') =>
    toScheduledRequest(new ScheduleTransferCommand('1', '2', amount, executeAt), now);

  it('takes a future time with its offset, and normalises the amount', () => {
    const scheduled = request('2026-12-07T13:30:00+01:00');
    expect(scheduled.executeAt.toISOString()).toBe('2026-12-07T12:30:00.000Z');
    expect(scheduled.amount).toBe('100.00');
  });

  it('gives the same hash to the same instant however it is written, another to another time', () => {
    expect(request('2026-12-07T12:30:00Z').hash).toBe(request('2026-12-07T13:30:00.000+01:00').hash);
    expect(request('2026-12-07T12:30:00Z').hash).not.toBe(request('2026-12-07T12:30:01Z').hash);
  });

  it.each([
    ['2026-12-07T12:30:00', 'an offset'],
    ['2026-12-07', 'an offset'],
    ['tomorrow', 'an offset'],
    ['2026-13-40T99:00:00Z', 'an offset'],
    ['2026-12-07T12:00:00Z', 'in the future'],
    ['2026-12-06T12:00:00Z', 'in the future'],
    ['2027-01-06T12:00:00.001Z', 'at most 30 days ahead'],
  ])('refuses executeAt %p', (executeAt, why) => {
    expect(() => request(executeAt)).toThrow(BadRequestException);
    expect(() => request(executeAt)).toThrow(why);
  });

  it('accepts exactly 30 days ahead', () => {
    expect(request('2027-01-06T12:00:00Z').executeAt.getTime() - now).toBe(30 * 24 * 3600 * 1000);
  });

  it('still refuses a bad amount', () => {
    expect(() => request('2026-12-07T12:30:00Z', '1.001')).toThrow(BadRequestException);
  });
});

import { hears, outcomeOfPark } from './failure-event';

describe('failure outcomes', () => {
  it('announces a parked message by its most specific outcome', () => {
    expect(outcomeOfPark('EXHAUSTED')).toBe('exhausted');
    expect(outcomeOfPark('CONFLICT')).toBe('conflict');
    expect(outcomeOfPark('FORGED')).toBe('forged');
    expect(
      ['POISON', 'UNRECOVERABLE', 'NOT_RETRIED', 'OVERSIZED', 'NO_QUEUE'].map((r) => outcomeOfPark(r as never)),
    ).toEqual(Array(5).fill('parked'));
  });

  it('lets a parked hook hear every parked message, and no notification', () => {
    expect(['parked', 'exhausted', 'conflict', 'forged'].every((o) => hears(['parked'], o as never))).toBe(true);
    expect(hears(['parked'], 'notification-exhausted')).toBe(false);
    expect(hears(['exhausted'], 'conflict')).toBe(false);
    expect(hears(['notification-exhausted'], 'notification-exhausted')).toBe(true);
  });
});

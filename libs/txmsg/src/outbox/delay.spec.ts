import { InvalidDelayError, MAX_DELAY_MS, delayOf } from './delay';

describe(delayOf.name, () => {
  const now = Date.parse('2026-12-07T12:00:00.000Z');

  it('has no delay without either option', () => {
    expect(delayOf({}, now)).toBeUndefined();
  });

  it('takes delayMs as it is, and a due time as the milliseconds left until it', () => {
    expect(delayOf({ delayMs: 1500 }, now)).toBe(1500);
    expect(delayOf({ delayMs: 0 }, now)).toBe(0);
    expect(delayOf({ dueAt: new Date(now + 10_000) }, now)).toBe(10_000);
  });

  it('makes a due time already past due at once', () => {
    expect(delayOf({ dueAt: new Date(now - 5000) }, now)).toBe(0);
  });

  it('accepts exactly 366 days and refuses a millisecond more', () => {
    expect(delayOf({ delayMs: MAX_DELAY_MS }, now)).toBe(MAX_DELAY_MS);
    expect(() => delayOf({ delayMs: MAX_DELAY_MS + 1 }, now)).toThrow(/more than 366 days ahead/);
    expect(() => delayOf({ dueAt: new Date(now + MAX_DELAY_MS + 1) }, now)).toThrow(
      'dueAt 2027-12-08T12:00:00.001Z is more than 366 days ahead',
    );
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], ['10' as unknown as number]])(
    'refuses delayMs %p',
    (delayMs) => {
      expect(() => delayOf({ delayMs }, now)).toThrow(InvalidDelayError);
    },
  );

  it('refuses an invalid date, both options at once, and a delay with an ordering key', () => {
    expect(() => delayOf({ dueAt: new Date('nope') }, now)).toThrow('dueAt must be a valid Date');
    expect(() => delayOf({ dueAt: '2026-12-08' as unknown as Date }, now)).toThrow('dueAt must be a valid Date');
    expect(() => delayOf({ delayMs: 1, dueAt: new Date(now) }, now)).toThrow('give delayMs or dueAt, not both');
    expect(() => delayOf({ delayMs: 1, orderingKey: 'order-1' }, now)).toThrow(/cannot have an orderingKey/);
  });

  it('lets an ordering key pass when there is no delay', () => {
    expect(delayOf({ orderingKey: 'order-1' }, now)).toBeUndefined();
  });
});

import { relativeTime } from './console-outbox-pages';

describe(relativeTime.name, () => {
  it.each([
    [0, 'now'],
    [999, 'now'],
    [-999, 'now'],
    [42_500, 'in 42 s'],
    [3 * 60_000 + 59_000, 'in 3 min'],
    [-2 * 3_600_000, '2 h ago'],
    [36 * 3_600_000, 'in 1 d'],
  ])('says %p ms as %p', (ms, said) => {
    expect(relativeTime(ms)).toBe(said);
  });
});

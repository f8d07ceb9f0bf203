import { parseDuration } from './duration';
import { ladderDelay, parseLadder } from './ladder';

describe('durations and the retry ladder', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '5', '1d', '-1s', '0s', '1.5s', 'abc'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow();
  });

  it('parses the seed ladder', () => {
    expect(parseLadder('1m,5m,10m,30m,1h,2h,5h,10h')).toEqual([1, 5, 10, 30, 60, 120, 300, 600].map((m) => m * 60_000));
  });

  it('refuses a ladder that shrinks', () => {
    expect(() => parseLadder('10m,5m')).toThrow(/step 2 .* shorter than the step before/);
  });

  it('gives the rung for each retry and nothing past the ladder', () => {
    const ladder = [100, 200, 400];
    expect([0, 1, 2, 3, 4].map((n) => ladderDelay(ladder, n))).toEqual([undefined, 100, 200, 400, undefined]);
  });
});

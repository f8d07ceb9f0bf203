import { jittered, longestLadderMs, resolveRetryPolicy, retryDelay } from './resolve-retry-policy';

describe('resolveRetryPolicy', () => {
  const GLOBAL = [100, 200, 400];

  it('follows the module ladder when the policy says nothing, with one attempt per step and one more', () => {
    expect(resolveRetryPolicy(undefined, GLOBAL, 'x')).toEqual({ ladderMs: GLOBAL, maxAttempts: 4, jitter: 0 });
    expect(resolveRetryPolicy({}, GLOBAL, 'x')).toEqual({ ladderMs: GLOBAL, maxAttempts: 4, jitter: 0 });
  });

  it('takes its own ladder in ms or durations, and its own attempts and jitter', () => {
    expect(resolveRetryPolicy({ ladder: [50, '2s', '1m'], maxAttempts: 2, jitter: 0.2 }, GLOBAL, 'x')).toEqual({
      ladderMs: [50, 2000, 60_000],
      maxAttempts: 2,
      jitter: 0.2,
    });
  });

  it('refuses a wrong policy with a sentence per problem, naming where it is', () => {
    expect(() =>
      resolveRetryPolicy({ ladder: ['5m', '1m', 'soon', -1], maxAttempts: 0, jitter: 1 }, GLOBAL, 'consumer C'),
    ).toThrow(
      /consumer C: ladder\[1\] \(60000 ms\) is shorter.*ladder\[2\] "soon" is not a duration.*ladder\[3\] must be a positive.*maxAttempts must be a whole number of at least 1, got 0.*jitter must be a fraction from 0 up to 1/,
    );
    expect(() => resolveRetryPolicy({ ladder: [] }, GLOBAL, 'C')).toThrow('C: ladder must have at least one step.');
    expect(() => resolveRetryPolicy({ jitter: -0.1 }, GLOBAL, 'C')).toThrow(/jitter/);
    expect(() => resolveRetryPolicy({ maxAttempts: 1.5 }, GLOBAL, 'C')).toThrow(/maxAttempts/);
  });
});

describe('retryDelay', () => {
  const policy = { ladderMs: [100, 200], maxAttempts: 5, jitter: 0 };

  it('climbs the ladder, repeats its last step up to the attempts, then allows no more', () => {
    expect([1, 2, 3, 4, 5].map((failures) => retryDelay(policy, failures))).toEqual([100, 200, 200, 200, undefined]);
  });

  it('cuts the ladder short when the attempts are fewer than its steps', () => {
    const short = { ladderMs: [100, 200, 400], maxAttempts: 2, jitter: 0 };
    expect([1, 2].map((failures) => retryDelay(short, failures))).toEqual([100, undefined]);
    expect(retryDelay({ ...short, maxAttempts: 1 }, 1)).toBeUndefined();
  });

  it('draws each delay within ± jitter of its step, reaching both ends', () => {
    const jittery = { ladderMs: [1000], maxAttempts: 10, jitter: 0.2 };
    expect(retryDelay(jittery, 1, () => 0)).toBe(800);
    expect(retryDelay(jittery, 1, () => 0.5)).toBe(1000);
    expect(retryDelay(jittery, 1, () => 0.999999)).toBe(1200);
    for (let i = 0; i < 1000; i++) {
      const delay = retryDelay(jittery, 1)!;
      expect(delay).toBeGreaterThanOrEqual(800);
      expect(delay).toBeLessThanOrEqual(1200);
    }
  });

  it('never draws a delay below 1 ms', () => {
    expect(jittered(1, 0.9, () => 0)).toBe(1);
  });
});

describe('longestLadderMs', () => {
  it('adds every delay a message may wait, each at the top of its jitter range', () => {
    expect(longestLadderMs({ ladderMs: [100, 200], maxAttempts: 4, jitter: 0.5 })).toBe((100 + 200 + 200) * 1.5);
    expect(longestLadderMs({ ladderMs: [100, 200], maxAttempts: 1, jitter: 0 })).toBe(0);
  });
});

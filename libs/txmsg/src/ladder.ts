import { parseDuration } from './duration';

/**
 * Parses a retry ladder such as `1m,5m,10m,30m` into milliseconds. Steps must not shrink: a
 * ladder that backs off is the contract.
 * @throws Error with a sentence when a step is malformed or shorter than the one before.
 */
export function parseLadder(text: string): number[] {
  const steps = text.split(',').map((step) => parseDuration(step));
  steps.forEach((ms, i) => {
    if (i > 0 && ms < steps[i - 1]) {
      throw new Error(`step ${i + 1} (${ms} ms) is shorter than the step before it.`);
    }
  });
  return steps;
}

/** The delay before attempt `attempt` (1-based retry number), or `undefined` past the ladder. */
export function ladderDelay(ladderMs: readonly number[], attempt: number): number | undefined {
  return attempt >= 1 && attempt <= ladderMs.length ? ladderMs[attempt - 1] : undefined;
}

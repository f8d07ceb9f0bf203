const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration such as `250ms`, `30s`, `5m` or `2h` into milliseconds.
 * @throws Error with a sentence when the text is not a positive duration.
 */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration like 500ms, 30s, 5m or 2h.`);
  const ms = Number(match[1]) * UNITS[match[2]];
  if (ms <= 0) throw new Error(`"${text}" must be longer than zero.`);
  return ms;
}

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

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

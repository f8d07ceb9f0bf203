/** Anything whose captured output is worth printing when a test fails. */
export interface LogSource {
  readonly name: string;
  logs(): string;
}

const sources = new Set<LogSource>();
let failuresSeen = 0;

/** Registers a log source until {@link forgetLogs} or the end of the test file. */
export function captureLogsOnFailure(source: LogSource): void {
  sources.add(source);
}

export function forgetLogs(source: LogSource): void {
  sources.delete(source);
}

/**
 * Prints the captured logs of every registered source if a test or hook failed since the last
 * call (the count comes from e2e-environment.js). Called after each test and after all.
 */
export function printLogsIfFailed(): void {
  const failures = (globalThis as { __e2eFailures?: number }).__e2eFailures ?? 0;
  if (failures === failuresSeen) return;
  failuresSeen = failures;
  for (const source of sources) {
    process.stderr.write(`\n----- logs of ${source.name} -----\n${source.logs()}\n----- end of ${source.name} -----\n`);
  }
}

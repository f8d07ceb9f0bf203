import { Logger } from '@nestjs/common';

/**
 * Places where the library can be told to kill its own process (SIGKILL, no clean-up), so fault
 * tests can stop a service at the exact moment a guarantee is at risk:
 * - `relay-before-publish`: after a local commit, with rows claimed, before anything is published;
 * - `relay-after-publish`: after the broker confirmed, before the rows are marked published;
 * - `consumer-before-commit`: after a handler ran, before its transaction commits;
 * - `consumer-before-ack`: after a handler's transaction committed, before the delivery is acked;
 * - `failure-before-hook`: after a parked message (or a notification given up on) committed with
 *   its announcement, before any failure hook ran.
 */
export type CrashPoint =
  | 'relay-before-publish'
  | 'relay-after-publish'
  | 'consumer-before-commit'
  | 'consumer-before-ack'
  | 'failure-before-hook';

/** Every {@link CrashPoint}, for validating configuration. */
export const CRASH_POINTS: readonly CrashPoint[] = [
  'relay-before-publish',
  'relay-after-publish',
  'consumer-before-commit',
  'consumer-before-ack',
  'failure-before-hook',
];

const logger = new Logger('CrashPoint');

/** Kills this process at once when `point` is the configured crash point. Testing only. */
export function crashIf(configured: CrashPoint | undefined, point: CrashPoint): void {
  if (configured !== point) return;
  logger.warn(`crash point "${point}" reached: killing the process`);
  process.kill(process.pid, 'SIGKILL');
}

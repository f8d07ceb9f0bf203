import { resolveRetryPolicy } from '../retry/resolve-retry-policy';
import type { ResolvedRetryPolicy, TxMsgRetryPolicy } from '../retry/retry-policy';
import type { AttemptFailure } from './attempt-outcome';

/** The retry policy of one notification receiver: {@link TxMsgRetryPolicy} and which failures are retried. */
export interface NotifyRetryPolicy extends TxMsgRetryPolicy {
  /**
   * The failed attempts retried: those of these categories, or those the predicate accepts (with
   * the receiver's HTTP status, null when none came). Any other failure ends the notification at
   * once as FAILED. Default: every failure.
   */
  retryOn?: AttemptFailure[] | ((failure: AttemptFailure, statusCode: number | null) => boolean);
}

/** A receiver's policy, resolved, with its decision on failures. */
export interface ResolvedNotifyPolicy extends ResolvedRetryPolicy {
  retries(failure: AttemptFailure, statusCode: number | null): boolean;
}

const FAILURES: readonly AttemptFailure[] = [
  'connect_failed',
  'timed_out',
  'not_http',
  'refused_address',
  'redirect',
  'http_status',
  'not_allowed',
];

/**
 * `policy` of receiver `receiver` with the notify ladder as its default. Pure.
 * @throws Error with a sentence per problem.
 */
export function resolveNotifyPolicy(
  policy: NotifyRetryPolicy | undefined,
  defaultLadderMs: readonly number[],
  receiver: string,
): ResolvedNotifyPolicy {
  const where = `notify.retryPolicies["${receiver}"]`;
  const problems: string[] = [];
  let resolved: ResolvedRetryPolicy | undefined;
  try {
    resolved = resolveRetryPolicy(policy, defaultLadderMs, where);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const retryOn = policy?.retryOn;
  if (Array.isArray(retryOn)) {
    const unknown = retryOn.filter((f) => !FAILURES.includes(f));
    if (retryOn.length === 0 || unknown.length > 0) {
      problems.push(`${where}: retryOn must list failure categories among ${FAILURES.join(', ')}.`);
    }
  } else if (retryOn !== undefined && typeof retryOn !== 'function') {
    problems.push(`${where}: retryOn must be a list of failure categories or a function.`);
  }
  if (problems.length > 0 || !resolved) throw new Error(problems.join(' '));
  const retries =
    typeof retryOn === 'function'
      ? (failure: AttemptFailure, statusCode: number | null) => retryOn(failure, statusCode) === true
      : Array.isArray(retryOn)
        ? (failure: AttemptFailure) => retryOn.includes(failure)
        : () => true;
  return { ...resolved, retries };
}

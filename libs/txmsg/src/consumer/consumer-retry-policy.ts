import { resolveRetryPolicy } from '../retry/resolve-retry-policy';
import type { ResolvedRetryPolicy, TxMsgRetryPolicy } from '../retry/retry-policy';

/** Where {@link Idempotent} keeps a handler's own retry policy, for {@link RetryPolicies} to find at bootstrap. */
export const RETRY_POLICY = Symbol('txmsg.retry-policy');

/** An error class, as `instanceof` takes it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor, whatever its parameters
export type ErrorClass = abstract new (...args: any[]) => unknown;

/** The retry policy of one consumer: {@link TxMsgRetryPolicy} and which errors are worth retrying. */
export interface ConsumerRetryPolicy extends TxMsgRetryPolicy {
  /**
   * The errors retried: instances of these classes (subclasses too), or those the predicate
   * accepts. Any other error parks the message at once, as `NOT_RETRIED`, without climbing the
   * ladder. Default: every error (an `UnrecoverableMessageError` is parked at once regardless).
   */
  retryOn?: ErrorClass[] | ((error: unknown) => boolean);
}

/** A consumer's policy, resolved, with its decision on errors. */
export interface ResolvedConsumerPolicy extends ResolvedRetryPolicy {
  /** Whether a handler's `error` is worth another attempt. */
  retries(error: unknown): boolean;
}

/**
 * `policy` of consumer `consumer` with the module's ladder as its default. Pure.
 * @throws Error with a sentence per problem.
 */
export function resolveConsumerPolicy(
  policy: ConsumerRetryPolicy | undefined,
  defaultLadderMs: readonly number[],
  consumer: string,
): ResolvedConsumerPolicy {
  const where = `retry policy of consumer ${consumer}`;
  const retryOn = policy?.retryOn;
  const problems: string[] = [];
  let resolved: ResolvedRetryPolicy | undefined;
  try {
    resolved = resolveRetryPolicy(policy, defaultLadderMs, where);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const classes = Array.isArray(retryOn) ? retryOn : undefined;
  if (retryOn !== undefined && typeof retryOn !== 'function' && !classes) {
    problems.push(`${where}: retryOn must be a list of error classes or a function of the error.`);
  }
  if (classes && (classes.length === 0 || classes.some((c) => typeof c !== 'function'))) {
    problems.push(`${where}: retryOn must list at least one error class, and only classes.`);
  }
  if (problems.length > 0 || !resolved) throw new Error(problems.join(' '));
  const retries =
    typeof retryOn === 'function'
      ? (error: unknown) => predicateRetries(retryOn, error)
      : classes
        ? (error: unknown) => classes.some((c) => error instanceof c)
        : () => true;
  return { ...resolved, retries };
}

/** A predicate that throws cannot tell: the error is retried, so the ladder, not a bug in it, decides. */
function predicateRetries(retryOn: (error: unknown) => boolean, error: unknown): boolean {
  try {
    return retryOn(error) === true;
  } catch {
    return true;
  }
}

import { parseDuration } from '../duration';
import type { ResolvedRetryPolicy, TxMsgRetryPolicy } from './retry-policy';

/**
 * What is wrong with `policy`, one sentence per problem, each naming `where` (`retry policy of
 * consumer X`). Pure.
 */
export function retryPolicyProblems(policy: TxMsgRetryPolicy, where: string): string[] {
  const problems: string[] = [];
  if (policy.ladder !== undefined) {
    if (!Array.isArray(policy.ladder) || policy.ladder.length === 0) {
      problems.push(`${where}: ladder must have at least one step.`);
    } else {
      let before = 0;
      policy.ladder.forEach((step, i) => {
        const ms = stepMs(step);
        if (typeof ms === 'string') return problems.push(`${where}: ladder[${i}] ${ms}`);
        if (ms < before) problems.push(`${where}: ladder[${i}] (${ms} ms) is shorter than the step before it.`);
        before = ms;
      });
    }
  }
  const { maxAttempts, jitter } = policy;
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    problems.push(`${where}: maxAttempts must be a whole number of at least 1, got ${maxAttempts}.`);
  }
  if (jitter !== undefined && !(typeof jitter === 'number' && jitter >= 0 && jitter < 1)) {
    problems.push(`${where}: jitter must be a fraction from 0 up to 1 (0.2 for ±20 %), got ${jitter}.`);
  }
  return problems;
}

/**
 * `policy` with the module's ladder as its default. Pure.
 * @throws Error listing every problem of {@link retryPolicyProblems}.
 */
export function resolveRetryPolicy(
  policy: TxMsgRetryPolicy | undefined,
  defaultLadderMs: readonly number[],
  where: string,
): ResolvedRetryPolicy {
  const problems = policy ? retryPolicyProblems(policy, where) : [];
  if (problems.length > 0) throw new Error(problems.join(' '));
  const ladderMs = policy?.ladder ? policy.ladder.map((step) => stepMs(step) as number) : [...defaultLadderMs];
  return { ladderMs, maxAttempts: policy?.maxAttempts ?? ladderMs.length + 1, jitter: policy?.jitter ?? 0 };
}

/**
 * The longest a message can spend on the ladder of `policy`: every delay it may wait, each at the
 * top of its jitter range. What the retention must exceed. Pure.
 */
export function longestLadderMs(policy: ResolvedRetryPolicy): number {
  let total = 0;
  for (let failures = 1; failures < policy.maxAttempts; failures++) total += stepOf(policy, failures);
  return Math.ceil(total * (1 + policy.jitter));
}

/**
 * The delay before the next attempt after `failures` failed ones (1 after the first), or
 * undefined when the policy allows no more. Jitter draws from `random` (`Math.random` by default),
 * within ± `jitter` of the step. Pure but for `random`.
 */
export function retryDelay(
  policy: ResolvedRetryPolicy,
  failures: number,
  random: () => number = Math.random,
): number | undefined {
  if (failures < 1 || failures >= policy.maxAttempts) return undefined;
  return jittered(stepOf(policy, failures), policy.jitter, random);
}

/** `ms` moved uniformly within ± `jitter` of itself, whole, never below 1 ms. */
export function jittered(ms: number, jitter: number, random: () => number = Math.random): number {
  if (jitter === 0) return ms;
  return Math.max(1, Math.round(ms * (1 + jitter * (2 * random() - 1))));
}

/** The step used after `failures` failures: the ladder's, its last one repeating. */
function stepOf(policy: ResolvedRetryPolicy, failures: number): number {
  return policy.ladderMs[Math.min(failures, policy.ladderMs.length) - 1];
}

/** A ladder step in ms, or the sentence saying why it is not one. */
function stepMs(step: number | string): number | string {
  if (typeof step === 'number') {
    return Number.isInteger(step) && step > 0 ? step : `must be a positive whole number of ms, got ${step}.`;
  }
  if (typeof step !== 'string') return `must be ms or a duration such as "30s", got ${String(step)}.`;
  try {
    return parseDuration(step);
  } catch (error) {
    return (error as Error).message;
  }
}

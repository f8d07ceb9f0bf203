/** A recharge in the account system: PENDING until pay's result is applied, then final. */
export type RechargeStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

/** The path that applied a result: pay's MQ message, its signed webhook, a manual or scheduled query of pay, or the deadline. */
export type AppliedBy = 'mq' | 'webhook' | 'reconcile' | 'reconciler' | 'deadline';

/** pay's result of a recharge. */
export type PayResult = 'success' | 'fail';

/** What applying a result does: the final status, and whether the balance is credited. */
export interface Transition {
  status: Exclude<RechargeStatus, 'PENDING'>;
  credit: boolean;
}

/**
 * The one state machine: PENDING → SUCCEEDED (credit the amount) or PENDING → FAILED (no
 * credit). A final recharge never changes again; the caller makes that a conditional update
 * (`WHERE status = 'PENDING'`) and credits only when it changed the row.
 */
export function transitionFor(result: PayResult): Transition {
  return result === 'success' ? { status: 'SUCCEEDED', credit: true } : { status: 'FAILED', credit: false };
}

/** What pay's query API said about a recharge. */
export type PayAnswerKind = 'found' | 'unknown' | 'unreachable';

/** What reconciliation does next: apply pay's result, send the request again, give up, or try later. */
export type ReconcileStep = 'apply' | 'resubmit' | 'expire' | 'wait';

/**
 * Decides a reconciliation from pay's answer and the recharge's age. pay knows it → apply its
 * result. pay does not know it (the request never arrived) → send it again (pay is idempotent on
 * txNo), until the deadline, after which it is FAILED. pay unreachable → nothing is known: wait,
 * whatever the age (a result pay may have produced is never declared failed).
 */
export function reconcileStep(answer: PayAnswerKind, ageMs: number, deadlineMs: number): ReconcileStep {
  if (answer === 'found') return 'apply';
  if (answer === 'unreachable') return 'wait';
  return ageMs >= deadlineMs ? 'expire' : 'resubmit';
}

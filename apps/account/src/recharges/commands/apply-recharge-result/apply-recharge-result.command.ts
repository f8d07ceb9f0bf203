import { Command } from '@nestjs/cqrs';
import type { AppliedBy, PayResult } from '../../domain/recharge-state';

/**
 * What applying a result did: `applied` (PENDING → final, or a recharge made at pay recorded
 * final; balance credited on success), `already-final` (an earlier path applied it: nothing
 * done), `mismatch` (pay's account or amount differ from the recharge's: nothing done, needs a
 * human), `unknown-account` (a recharge account has no record of, for an account it does not
 * hold: nothing recorded or credited, needs a human).
 */
export type ApplyOutcome = 'applied' | 'already-final' | 'mismatch' | 'unknown-account';

/** A result of a recharge, from whichever path brought it. */
export interface RechargeResultFact {
  txNo: string;
  accountNo: string;
  /** Decimal string with at most 2 fraction digits. */
  amount: string;
  result: PayResult;
}

/**
 * Applies pay's result of a recharge exactly once, whichever path brings it and however often.
 * A result for a txNo account never created (the user recharged at pay) records the recharge
 * from the result and credits it in the same transaction. Runs in the ambient transaction when
 * there is one (the MQ consumer's with its dedup row, the webhook's receipt, the pull's cursor).
 */
export class ApplyRechargeResultCommand extends Command<ApplyOutcome> {
  constructor(
    readonly fact: RechargeResultFact,
    readonly appliedBy: AppliedBy,
  ) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import type { AppliedBy, PayResult } from '../../domain/recharge-state';

/**
 * What applying a result did: `applied` (PENDING → final, balance credited on success),
 * `already-final` (an earlier path applied it: nothing done), `unknown` (no such recharge here),
 * `mismatch` (pay's account or amount differ from the recharge's: nothing done, needs a human).
 */
export type ApplyOutcome = 'applied' | 'already-final' | 'unknown' | 'mismatch';

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
 * Runs in the ambient transaction when there is one (the MQ consumer's, with its dedup row).
 */
export class ApplyRechargeResultCommand extends Command<ApplyOutcome> {
  constructor(
    readonly fact: RechargeResultFact,
    readonly appliedBy: AppliedBy,
  ) {
    super();
  }
}

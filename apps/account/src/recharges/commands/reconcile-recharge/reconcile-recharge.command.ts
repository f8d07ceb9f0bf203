import { Command } from '@nestjs/cqrs';
import type { RechargeView } from '../../recharge-view';

/** Who asked: an operator or client (`POST /recharges/:txNo/reconcile`) or the scheduled reconciler. */
export type ReconcileTrigger = 'reconcile' | 'reconciler';

/**
 * Asks pay's query API about a PENDING recharge and acts on the answer (the receiver's active query):
 * applies pay's result; re-sends a request pay never received; fails one pay still does not know
 * after RECONCILE_DEADLINE. A final recharge is answered as it is. Answers the recharge afterwards.
 * 404 for an unknown txNo; 503 (manual trigger only) when pay cannot be asked.
 */
export class ReconcileRechargeCommand extends Command<RechargeView> {
  constructor(
    readonly txNo: string,
    readonly trigger: ReconcileTrigger,
  ) {
    super();
  }
}

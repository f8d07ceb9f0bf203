import { formatAmount } from '@app/common';
import type { AppliedBy, RechargeStatus } from './domain/recharge-state';
import type { Recharge } from './entities/recharge.entity';

/** A recharge as the API shows it; `appliedBy` says which path applied the result (null while PENDING). */
export interface RechargeView {
  txNo: string;
  accountNo: string;
  amount: string;
  status: RechargeStatus;
  appliedBy: AppliedBy | null;
}

export function toView(recharge: Recharge): RechargeView {
  return {
    txNo: recharge.txNo,
    accountNo: recharge.accountNo,
    amount: formatAmount(recharge.amount),
    status: recharge.status,
    appliedBy: recharge.appliedBy,
  };
}

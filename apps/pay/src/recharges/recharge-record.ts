import { formatAmount } from '@app/common';
import type Decimal from 'decimal.js';

/** What pay says about a recharge: "success", or "fail" when pay declined it. */
export type RechargeResult = 'success' | 'fail';

/** A recharge as the API, the MQ message and the webhook show it. */
export interface RechargeRecord {
  txNo: string;
  accountNo: string;
  /** Decimal string with 2 fraction digits. */
  amount: string;
  result: RechargeResult;
}

/**
 * pay's rule, deterministic and documented: a single recharge above the limit (RECHARGE_LIMIT)
 * is declined ("fail"); anything else succeeds.
 */
export function decideResult(amount: Decimal, limit: Decimal): RechargeResult {
  return amount.gt(limit) ? 'fail' : 'success';
}

/** The record of a stored recharge. */
export function toRecord(recharge: {
  txNo: string;
  accountNo: string;
  amount: Decimal;
  result: RechargeResult;
}): RechargeRecord {
  return {
    txNo: recharge.txNo,
    accountNo: recharge.accountNo,
    amount: formatAmount(recharge.amount),
    result: recharge.result,
  };
}

/** Whether a repeated request (same txNo) asks for the same recharge; the notifyUrl may differ. */
export function sameRecharge(
  stored: { accountNo: string; amount: Decimal },
  asked: { accountNo: string; amount: Decimal },
): boolean {
  return stored.accountNo === asked.accountNo && stored.amount.eq(asked.amount);
}

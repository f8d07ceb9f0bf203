import { IsAccountNo, IsAmount, IsTxNo } from '@app/common';
import { IsIn } from 'class-validator';
import type { PayResult } from './recharge-state';

/**
 * pay's record of a recharge, as its MQ message, its webhook's `data` and its query API carry
 * it. Validated wherever it enters (`validateMessage`), never trusted as is.
 */
export class PayRechargeResult {
  @IsTxNo()
  txNo: string;

  @IsAccountNo()
  accountNo: string;

  @IsAmount()
  amount: string;

  @IsIn(['success', 'fail'], { message: 'result must be "success" or "fail"' })
  result: PayResult;
}

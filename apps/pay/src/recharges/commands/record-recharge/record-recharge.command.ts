import { Command } from '@nestjs/cqrs';
import type Decimal from 'decimal.js';
import type { RechargeRecord } from '../../recharge-record';

/** The outcome of {@link RecordRechargeCommand}: the record, and whether this request created it. */
export interface RecordedRecharge {
  record: RechargeRecord;
  created: boolean;
}

/**
 * Performs a recharge once per txNo and notifies its result. Repeating a txNo with the same
 * account and amount answers the stored record and changes nothing; with another account or
 * amount it is refused (409).
 */
export class RecordRechargeCommand extends Command<RecordedRecharge> {
  constructor(
    readonly txNo: string,
    readonly accountNo: string,
    readonly amount: Decimal,
    readonly notifyUrl: string | undefined,
  ) {
    super();
  }
}

import { IntegrationEvent } from '@txmsg/nestjs';
import type { RechargeResult } from '../recharge-record';

/**
 * pay finished a recharge (internal receivers listen on the broker). Sent
 * for "fail" results too: the receiver must learn the outcome either way.
 */
@IntegrationEvent('pay.recharge.completed')
export class RechargeCompleted {
  constructor(
    readonly txNo: string,
    readonly accountNo: string,
    /** Decimal string with 2 fraction digits. */
    readonly amount: string,
    readonly result: RechargeResult,
  ) {}
}

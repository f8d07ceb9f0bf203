import { Command } from '@nestjs/cqrs';
import type Decimal from 'decimal.js';

/** The answer to a recharge request: accepted, result to follow. */
export interface AcceptedRecharge {
  txNo: string;
  status: 'PENDING';
}

/**
 * Records a PENDING recharge of an existing account (404 otherwise), then asks pay to perform
 * it. The recharge is committed before pay is asked, so a pay that is down or slow loses nothing.
 */
export class CreateRechargeCommand extends Command<AcceptedRecharge> {
  constructor(
    readonly accountNo: string,
    readonly amount: Decimal,
  ) {
    super();
  }
}

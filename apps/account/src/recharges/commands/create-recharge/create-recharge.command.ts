import { Command } from '@nestjs/cqrs';
import type Decimal from 'decimal.js';
import type { RechargeStatus } from '../../domain/recharge-state';

/** The answer to a recharge request: accepted, result to follow (or already there, for a repeat). */
export interface AcceptedRecharge {
  txNo: string;
  status: RechargeStatus;
}

/**
 * Records a PENDING recharge of an existing account (404 otherwise), then asks pay to perform
 * it. The recharge is committed before pay is asked, so a pay that is down or slow loses nothing.
 * With an idempotency key, a repeat answers the recharge the key created (asking pay again while
 * it is PENDING); the same key with another account or amount is refused (409).
 */
export class CreateRechargeCommand extends Command<AcceptedRecharge> {
  constructor(
    readonly accountNo: string,
    readonly amount: Decimal,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

import { IntegrationEvent } from '@txmsg/nestjs';
import { IsAccountNo, IsAmount } from '@app/common';
import { IsUUID } from 'class-validator';

/** Routing key of bank1's {@link TransferStarted}. */
export const TRANSFER_STARTED = 'bank1.transfer.started';

/**
 * bank1 debited `fromAccountNo` and asks bank2 to credit `toAccountNo` (consumed). Validated on
 * arrival: a message that does not fit is parked at once, never applied.
 */
@IntegrationEvent(TRANSFER_STARTED)
export class TransferStarted {
  @IsUUID()
  txNo: string;

  @IsAccountNo()
  fromAccountNo: string;

  @IsAccountNo()
  toAccountNo: string;

  /** A decimal string with at most 2 fraction digits, greater than 0. */
  @IsAmount()
  amount: string;
}

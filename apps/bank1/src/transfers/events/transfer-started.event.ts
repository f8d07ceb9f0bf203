import { IntegrationEvent } from '@txmsg/nestjs';

/** Routing key of {@link TransferStarted}. */
export const TRANSFER_STARTED = 'bank1.transfer.started';

/**
 * bank1 debited `fromAccountNo` and asks bank2 to credit `toAccountNo`. Sent as a
 * transactional message: it exists if and only if the debit committed. `amount` is a decimal
 * string with 2 fraction digits.
 */
@IntegrationEvent(TRANSFER_STARTED)
export class TransferStarted {
  constructor(
    readonly txNo: string,
    readonly fromAccountNo: string,
    readonly toAccountNo: string,
    readonly amount: string,
  ) {}
}

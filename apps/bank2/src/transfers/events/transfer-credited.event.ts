import { IntegrationEvent } from '@txmsg/nestjs';

/** Routing key of {@link TransferCredited}. */
export const TRANSFER_CREDITED = 'bank2.transfer.credited';

/** bank2 credited `toAccountNo` with the transfer `txNo`; bank1 completes it. */
@IntegrationEvent(TRANSFER_CREDITED)
export class TransferCredited {
  constructor(
    readonly txNo: string,
    readonly toAccountNo: string,
    readonly amount: string,
  ) {}
}

import { IntegrationEvent } from '@txmsg/nestjs';

/** Routing key of {@link TransferRejected}. */
export const TRANSFER_REJECTED = 'bank2.transfer.rejected';

/** bank2 refused the transfer `txNo` (`reason` says why); bank1 refunds it. */
@IntegrationEvent(TRANSFER_REJECTED)
export class TransferRejected {
  constructor(
    readonly txNo: string,
    readonly fromAccountNo: string,
    readonly toAccountNo: string,
    readonly amount: string,
    readonly reason: string,
  ) {}
}

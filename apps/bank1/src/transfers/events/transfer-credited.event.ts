import { IntegrationEvent } from '@txmsg/nestjs';
import { IsUUID } from 'class-validator';

/** Routing key of bank2's {@link TransferCredited}. */
export const TRANSFER_CREDITED = 'bank2.transfer.credited';

/** bank2 credited the transfer `txNo` (consumed; bank1 reads only the transfer number). */
@IntegrationEvent(TRANSFER_CREDITED)
export class TransferCredited {
  @IsUUID()
  txNo: string;
}

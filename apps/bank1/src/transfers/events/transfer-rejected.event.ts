import { IntegrationEvent } from '@txmsg/nestjs';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** Routing key of bank2's {@link TransferRejected}. */
export const TRANSFER_REJECTED = 'bank2.transfer.rejected';

/**
 * bank2 refused the transfer `txNo` (it holds no such account); bank1 refunds it. The amount
 * and source account are taken from bank1's own record, never from the message.
 */
@IntegrationEvent(TRANSFER_REJECTED)
export class TransferRejected {
  @IsUUID()
  txNo: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

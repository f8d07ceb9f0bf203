import { ApiProperty } from '@nestjs/swagger';
import type { TransferCancelled } from '../commands/cancel-transfer/cancel-transfer.command';
import type { TransferAccepted } from '../commands/start-transfer/start-transfer.command';
import type { TransferStatus } from '../entities/transfer.entity';
import type { TransferView } from '../queries/get-transfer/get-transfer.query';

const TX_NO = { description: 'Transfer number (a UUID).', format: 'uuid' };

/** The OpenAPI shape of a {@link TransferAccepted}. */
export class TransferAcceptedDto implements TransferAccepted {
  @ApiProperty(TX_NO)
  txNo: string;

  @ApiProperty({ enum: ['PENDING'] })
  status: 'PENDING';
}

/** The OpenAPI shape of a {@link TransferView}. */
export class TransferViewDto implements TransferView {
  @ApiProperty(TX_NO)
  txNo: string;

  @ApiProperty({ example: '6222020000000001' })
  fromAccountNo: string;

  @ApiProperty({ example: '6222030000000001' })
  toAccountNo: string;

  @ApiProperty({ description: 'Decimal string with 2 fraction digits.', example: '100.00' })
  amount: string;

  @ApiProperty({ enum: ['PENDING', 'COMPLETED', 'REFUNDED', 'CANCELLED'] })
  status: TransferStatus;
}

/** The OpenAPI shape of a {@link TransferCancelled}. */
export class TransferCancelledDto implements TransferCancelled {
  @ApiProperty(TX_NO)
  txNo: string;

  @ApiProperty({ enum: ['CANCELLED'] })
  status: 'CANCELLED';
}

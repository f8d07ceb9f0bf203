import { ApiProperty } from '@nestjs/swagger';

/** The OpenAPI shape of `GET /accounts/:accountNo`, the same at bank1, bank2 and account. */
export class AccountViewDto {
  @ApiProperty({ example: '6222020000000001' })
  accountNo: string;

  @ApiProperty({ example: 'Alice' })
  accountName: string;

  @ApiProperty({ description: 'Decimal string with 2 fraction digits.', example: '1000.00' })
  balance: string;
}

import { ApiProperty } from '@nestjs/swagger';
import type { AccountView } from '../queries/get-account/get-account.query';

/** The OpenAPI shape of an {@link AccountView}. */
export class AccountViewDto implements AccountView {
  @ApiProperty({ example: '6222020000000001' })
  accountNo: string;

  @ApiProperty({ example: 'Alice' })
  accountName: string;

  @ApiProperty({ description: 'Decimal string with 2 fraction digits.', example: '1000.00' })
  balance: string;
}

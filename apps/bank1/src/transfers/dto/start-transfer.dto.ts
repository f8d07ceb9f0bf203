import { ApiAccountNo, ApiAmount, IsAccountNo, IsAmount } from '@app/common';

/** Body of `POST /transfers`. Unknown properties are refused (the global ValidationPipe). */
export class StartTransferDto {
  @ApiAccountNo('6222020000000001')
  @IsAccountNo()
  fromAccountNo: string;

  @ApiAccountNo('6222030000000001')
  @IsAccountNo()
  toAccountNo: string;

  /** A decimal string such as `"100.00"` (a JSON number with at most 2 fraction digits also passes). */
  @ApiAmount()
  @IsAmount()
  amount: string | number;
}

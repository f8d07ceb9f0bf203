import { IsAccountNo, IsAmount } from '@app/common';

/** Body of `POST /transfers`. Unknown properties are refused (the global ValidationPipe). */
export class StartTransferDto {
  @IsAccountNo()
  fromAccountNo: string;

  @IsAccountNo()
  toAccountNo: string;

  /** A decimal string such as `"100.00"` (a JSON number with at most 2 fraction digits also passes). */
  @IsAmount()
  amount: string | number;
}

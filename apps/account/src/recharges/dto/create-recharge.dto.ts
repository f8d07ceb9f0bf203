import { ApiAccountNo, ApiAmount, IsAccountNo, IsAmount } from '@app/common';

/** Body of `POST /recharges`. Unknown fields are refused by the global ValidationPipe. */
export class CreateRechargeDto {
  @ApiAccountNo()
  @IsAccountNo()
  accountNo: string;

  /** Decimal string (or JSON number) with at most 2 fraction digits. */
  @ApiAmount()
  @IsAmount()
  amount: string | number;
}

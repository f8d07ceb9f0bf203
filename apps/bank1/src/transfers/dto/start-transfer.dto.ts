import { ApiAccountNo, ApiAmount, IsAccountNo, IsAmount } from '@app/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

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

  /**
   * Send the transfer at this time instead of now (ISO 8601 with an offset, in the future, at
   * most 30 days ahead): the amount is debited at once and given back if the transfer is
   * cancelled before then. Checked in full by the command.
   */
  @ApiPropertyOptional({
    description:
      'Send it at this time (ISO 8601 with an offset, at most 30 days ahead) instead of now; debited at once, cancellable until then with POST /transfers/{txNo}/cancel.',
    example: '2026-12-24T09:00:00Z',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  executeAt?: string;
}

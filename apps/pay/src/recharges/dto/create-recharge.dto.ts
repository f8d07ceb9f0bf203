import { ApiAccountNo, ApiAmount, ApiTxNoOptional, IsAccountNo, IsAmount, IsTxNo } from '@app/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUrl, MaxLength, ValidateIf } from 'class-validator';

/** Longest notifyUrl pay keeps (the column's size). */
export const NOTIFY_URL_MAX = 2048;

/** Body of `POST /recharges`. Unknown fields are refused by the global ValidationPipe. */
export class CreateRechargeDto {
  @ApiAccountNo('6222020000000001')
  @IsAccountNo()
  accountNo: string;

  /** Decimal string (or JSON number) with at most 2 fraction digits. */
  @ApiAmount()
  @IsAmount()
  amount: string | number;

  /** The caller's transaction number: repeating it repeats nothing. Generated when absent. */
  @ApiTxNoOptional('Your transaction number; generated when absent.')
  @ValidateIf((body: CreateRechargeDto) => body.txNo !== undefined)
  @IsTxNo()
  txNo?: string;

  /** Where to POST the signed result notification (scheme 2); none means MQ only. */
  @ApiPropertyOptional({ format: 'uri', maxLength: NOTIFY_URL_MAX, example: 'https://shop.example.com/notify' })
  @ValidateIf((body: CreateRechargeDto) => body.notifyUrl !== undefined)
  @IsString({ message: 'notifyUrl must be a string' })
  @MaxLength(NOTIFY_URL_MAX, { message: `notifyUrl must be at most ${NOTIFY_URL_MAX} characters` })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'notifyUrl must be an http:// or https:// URL' },
  )
  notifyUrl?: string;
}

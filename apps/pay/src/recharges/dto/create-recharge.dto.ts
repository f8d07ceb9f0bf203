import { IsAccountNo, IsAmount, IsTxNo } from '@app/common';
import { IsString, IsUrl, MaxLength, ValidateIf } from 'class-validator';

/** Longest notifyUrl pay keeps (the column's size). */
export const NOTIFY_URL_MAX = 2048;

/** Body of `POST /recharges`. Unknown fields are refused by the global ValidationPipe. */
export class CreateRechargeDto {
  @IsAccountNo()
  accountNo: string;

  /** Decimal string (or JSON number) with at most 2 fraction digits. */
  @IsAmount()
  amount: string | number;

  /** The caller's transaction number: repeating it repeats nothing. Generated when absent. */
  @ValidateIf((body: CreateRechargeDto) => body.txNo !== undefined)
  @IsTxNo()
  txNo?: string;

  /** Where to POST the signed result notification (scheme 2); none means MQ only. */
  @ValidateIf((body: CreateRechargeDto) => body.notifyUrl !== undefined)
  @IsString({ message: 'notifyUrl must be a string' })
  @MaxLength(NOTIFY_URL_MAX, { message: `notifyUrl must be at most ${NOTIFY_URL_MAX} characters` })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'notifyUrl must be an http:// or https:// URL' },
  )
  notifyUrl?: string;
}

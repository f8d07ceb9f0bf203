import { ACCOUNT_NO, IsAccountNo } from '@app/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';

/** Most results one page of `GET /recharges` holds. */
export const LIST_LIMIT_MAX = 500;
/** Results per page when `limit` is absent. */
export const LIST_LIMIT_DEFAULT = 100;

/** Query of `GET /recharges`. Unknown parameters are refused by the global ValidationPipe. */
export class ListRechargesDto {
  /** The `nextCursor` of the previous page; absent for the first page. */
  @ApiPropertyOptional({ maxLength: 64, description: 'The nextCursor of the previous page.' })
  @ValidateIf((query: ListRechargesDto) => query.after !== undefined)
  @IsString({ message: 'after must be a nextCursor pay gave out' })
  @MaxLength(64, { message: 'after must be a nextCursor pay gave out' })
  after?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: LIST_LIMIT_MAX, default: LIST_LIMIT_DEFAULT })
  @ValidateIf((query: ListRechargesDto) => query.limit !== undefined)
  @Type(() => Number)
  @IsInt({ message: `limit must be a whole number from 1 to ${LIST_LIMIT_MAX}` })
  @Min(1, { message: `limit must be a whole number from 1 to ${LIST_LIMIT_MAX}` })
  @Max(LIST_LIMIT_MAX, { message: `limit must be a whole number from 1 to ${LIST_LIMIT_MAX}` })
  limit?: number;

  /** Only this account's results. */
  @ApiPropertyOptional({ pattern: ACCOUNT_NO.source, description: "Only this account's results." })
  @ValidateIf((query: ListRechargesDto) => query.accountNo !== undefined)
  @IsAccountNo()
  accountNo?: string;
}

import { ApiParam, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { TextFormat } from '../validation/text-format';
import { MAX_AMOUNT } from '../money/money';
import { ACCOUNT_NO } from '../validation/account-no';
import { TX_NO } from '../validation/tx-no';

/** OpenAPI description of an account number field, from the pattern it is validated with. */
export const ApiAccountNo = (example = '6222020000000001'): PropertyDecorator =>
  ApiProperty({ type: String, pattern: ACCOUNT_NO.source, example });

/** OpenAPI description of an optional transaction number field, from the pattern it is validated with. */
export const ApiTxNoOptional = (description: string): PropertyDecorator =>
  ApiPropertyOptional({ type: String, pattern: TX_NO.source, description, example: 'tx-20261202-0001' });

/** OpenAPI description of an amount in a request, as {@link IsAmount} accepts it. */
export const ApiAmount = (): PropertyDecorator =>
  ApiProperty({
    oneOf: [{ type: 'string', pattern: '^\\d+(\\.\\d{1,2})?$' }, { type: 'number' }],
    description: `Positive decimal with at most 2 fraction digits, at most ${MAX_AMOUNT.toFixed(2)}; a string keeps it exact.`,
    example: '100.00',
  });

/** OpenAPI description of the `:accountNo` path parameter, from the pattern {@link AccountNoPipe} checks. */
export const ApiAccountNoParam = (): MethodDecorator =>
  ApiParam({ name: 'accountNo', schema: { type: 'string', pattern: ACCOUNT_NO.source } });

/** OpenAPI description of the `:txNo` path parameter, from the format {@link TxNoPipe} checks (default: any txNo). */
export const ApiTxNoParam = (format?: TextFormat): MethodDecorator =>
  ApiParam({ name: 'txNo', schema: { type: 'string', pattern: (format?.pattern ?? TX_NO).source } });

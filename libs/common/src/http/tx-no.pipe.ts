import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { TextFormat } from '../validation/text-format';
import { TX_NO, TX_NO_MESSAGE } from '../validation/tx-no';

/** Any transaction number: 1 to 64 letters, digits, `-` or `_`. */
export const ANY_TX_NO: TextFormat = { pattern: TX_NO, message: `txNo ${TX_NO_MESSAGE}` };

/**
 * Validates a `:txNo` route parameter against `format` (default: any transaction number); a
 * malformed one is a 400, never a lookup. Use an instance: `@Param('txNo', new TxNoPipe())`.
 */
export class TxNoPipe implements PipeTransform<string, string> {
  constructor(private readonly format: TextFormat = ANY_TX_NO) {}

  transform(value: string): string {
    if (!this.format.pattern.test(value)) throw new BadRequestException(this.format.message);
    return value;
  }
}

import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { TX_NO, TX_NO_MESSAGE } from '../validation/tx-no';

/** Validates a `:txNo` route parameter; a malformed one is a 400, never a lookup. */
@Injectable()
export class TxNoPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!TX_NO.test(value)) throw new BadRequestException(`txNo ${TX_NO_MESSAGE}`);
    return value;
  }
}

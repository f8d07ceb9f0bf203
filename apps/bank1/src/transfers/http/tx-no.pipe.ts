import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

const TX_NO = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Validates a `:txNo` route parameter (a lower-case UUID); a malformed one is a 400, never a lookup. */
@Injectable()
export class TxNoPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!TX_NO.test(value)) throw new BadRequestException('txNo must be a transfer number (a UUID)');
    return value;
  }
}

import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { ACCOUNT_NO, ACCOUNT_NO_MESSAGE } from '../validation/account-no';

/** Validates an `:accountNo` route parameter; a malformed one is a 400, never a lookup. */
@Injectable()
export class AccountNoPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ACCOUNT_NO.test(value)) throw new BadRequestException(`accountNo ${ACCOUNT_NO_MESSAGE}`);
    return value;
  }
}

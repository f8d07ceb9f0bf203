import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** Visible ASCII, 1 to 128 characters: fits the key column and any client's UUID or ULID. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** Validates the optional `Idempotency-Key` header; absent stays `undefined`. */
@Injectable()
export class IdempotencyKeyPipe implements PipeTransform<string | undefined, string | undefined> {
  transform(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    if (!IDEMPOTENCY_KEY.test(value)) {
      throw new BadRequestException('Idempotency-Key must be 1 to 128 visible ASCII characters');
    }
    return value;
  }
}

import { TX_NO } from '@app/common';
import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The optional `Idempotency-Key` request header: 1 to 64 letters, digits, `-` or `_` (a UUID
 * fits); anything else is a 400.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !TX_NO.test(value)) {
    throw new BadRequestException('Idempotency-Key must be 1 to 64 letters, digits, "-" or "_"');
  }
  return value;
});

import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { TextFormat } from '../validation/text-format';
import { TX_NO, TX_NO_MESSAGE } from '../validation/tx-no';

/** 1 to 64 letters, digits, `-` or `_`: a UUID fits, and so does any transaction number. */
export const TX_NO_IDEMPOTENCY_KEY: TextFormat = { pattern: TX_NO, message: `Idempotency-Key ${TX_NO_MESSAGE}` };

/** The key checked against `format`; absent stays `undefined`, anything malformed is a 400. */
export function checkIdempotencyKey(value: unknown, format: TextFormat): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !format.pattern.test(value)) throw new BadRequestException(format.message);
  return value;
}

/**
 * The optional `Idempotency-Key` request header, validated against `format` (default: 1 to 64
 * letters, digits, `-` or `_`). A decorator rather than `@Headers()`, which takes no pipes.
 */
export const IdempotencyKeyHeader = createParamDecorator(
  (format: TextFormat | undefined, context: ExecutionContext): string | undefined =>
    checkIdempotencyKey(
      context.switchToHttp().getRequest<Request>().headers['idempotency-key'],
      format ?? TX_NO_IDEMPOTENCY_KEY,
    ),
);

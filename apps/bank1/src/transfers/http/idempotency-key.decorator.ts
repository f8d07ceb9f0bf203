import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { IdempotencyKeyPipe } from './idempotency-key.pipe';

const idempotencyKeyHeader = createParamDecorator(
  (_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<Request>().headers['idempotency-key'],
);

/** The optional `Idempotency-Key` request header, validated (`@Headers()` takes no pipes). */
export const IdempotencyKeyHeader = (): ParameterDecorator => idempotencyKeyHeader(undefined, IdempotencyKeyPipe);

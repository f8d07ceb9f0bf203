import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** The body of every error answer, as {@link HttpErrorFilter} writes it. */
export class ApiErrorBody {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['amount must be a decimal with at most 2 fraction digits'],
  })
  message: string | string[];

  @ApiPropertyOptional({ description: 'Structured detail, e.g. the health report of a 503.' })
  details?: unknown;
}

const WHEN: Record<number, string> = {
  400: 'Bad input (malformed JSON, a field that fails validation, an unknown field); nothing changed.',
  401: 'Missing or wrong credentials; nothing changed.',
  404: 'No such resource.',
  409: 'Conflicts with what is stored (e.g. a key reused with other values); nothing changed.',
  413: 'Request body larger than 16 kB.',
  422: 'Valid, but refused by a business rule (e.g. insufficient funds); nothing changed.',
  429: 'Too many requests from this client (RATE_LIMIT); `Retry-After` says when to retry.',
  503: 'A dependency is down.',
};

/** Documents the error answers `statuses` of a route (or of every route of a controller). */
export const ApiErrors = (...statuses: number[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: WHEN[status] ?? 'Error.', type: ApiErrorBody })),
  );

import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** What a body the JSON parser refused is answered with (it never quotes the body). */
export const MALFORMED_JSON_MESSAGE = 'request body must be a valid JSON object';

/** Keys class-transformer drops silently, so validation could never report them as unknown. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Express error middleware for right after the JSON body parser: a malformed body becomes a 400
 * that says so, instead of the parser's own words (which quote part of the body).
 */
export function malformedJsonAsBadRequest(error: unknown, _req: Request, _res: Response, next: NextFunction): void {
  const parseFailed = (error as { type?: string } | undefined)?.type === 'entity.parse.failed';
  next(parseFailed ? new BadRequestException(MALFORMED_JSON_MESSAGE) : error);
}

/**
 * Express middleware for after the JSON body parser: refuses a body that names `__proto__`,
 * `constructor` or `prototype` at any depth, as validation refuses any other unknown field
 * (`property __proto__ should not exist`).
 */
export function refusePrototypeKeys(req: Request, _res: Response, next: NextFunction): void {
  const key = findForbiddenKey(req.body, 0);
  next(key === undefined ? undefined : new BadRequestException([`property ${key} should not exist`]));
}

function findForbiddenKey(value: unknown, depth: number): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 32) return undefined;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const nested = findForbiddenKey((value as Record<string, unknown>)[key], depth + 1);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** What a body the JSON parser refused is answered with (it never quotes the body). */
export const MALFORMED_JSON_MESSAGE = 'request body must be a valid JSON object';

/**
 * Deepest nesting of arrays and objects a body may have. Ours need two; validation and
 * class-transformer recurse once per level and overflow the stack a few thousand levels down.
 */
export const MAX_JSON_DEPTH = 32;

const DEEP_NESTING_MESSAGE = `request body must not be nested more than ${MAX_JSON_DEPTH} levels deep`;

/** Keys class-transformer drops silently, so validation could never report them as unknown. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Express error middleware for right after the JSON body parser: a malformed body becomes a 400
 * that says so, instead of the parser's own words (which quote part of the body).
 */
export function malformedJsonAsBadRequest(error: unknown, _req: Request, _res: Response, next: NextFunction): void {
  const failure = error as { type?: string; message?: string } | undefined;
  if (failure?.type !== 'entity.parse.failed') return next(error);
  // The parser's reviver walks the parsed value recursively: thousands of levels overflow its
  // stack before the depth check below ever sees the body. That is a body nested too deep.
  const tooDeep = failure.message?.includes('call stack') === true;
  next(new BadRequestException(tooDeep ? DEEP_NESTING_MESSAGE : MALFORMED_JSON_MESSAGE));
}

/**
 * Express middleware for after the JSON body parser: refuses a body nested deeper than
 * {@link MAX_JSON_DEPTH} levels with a 400 that says so, before anything recurses into it.
 */
export function refuseDeepNesting(req: Request, _res: Response, next: NextFunction): void {
  next(nestedDeeperThan(req.body, MAX_JSON_DEPTH) ? new BadRequestException(DEEP_NESTING_MESSAGE) : undefined);
}

/** Level by level, so its own stack stays flat whatever the depth; stops at the first level too deep. */
function nestedDeeperThan(body: unknown, maxDepth: number): boolean {
  let containers = isContainer(body) ? [body] : [];
  for (let depth = 1; containers.length > 0; depth++) {
    if (depth > maxDepth) return true;
    containers = containers.flatMap((container) => Object.values(container).filter(isContainer));
  }
  return false;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/**
 * Express middleware for after the JSON body parser: refuses a body that names `__proto__`,
 * `constructor` or `prototype` at any depth, as validation refuses any other unknown field, and
 * names where it stood (`property amount.__proto__ should not exist`), so the answer points at
 * the field the caller got wrong.
 */
export function refusePrototypeKeys(req: Request, _res: Response, next: NextFunction): void {
  const path = findForbiddenKey(req.body, 0);
  next(path === undefined ? undefined : new BadRequestException([`property ${path} should not exist`]));
}

function findForbiddenKey(value: unknown, depth: number): string | undefined {
  if (typeof value !== 'object' || value === null || depth > MAX_JSON_DEPTH) return undefined;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const nested = findForbiddenKey((value as Record<string, unknown>)[key], depth + 1);
    if (nested !== undefined) return `${key}.${nested}`;
  }
  return undefined;
}

import { BadRequestException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MAX_JSON_DEPTH, malformedJsonAsBadRequest, refuseDeepNesting, refusePrototypeKeys } from './json-body-guard';

describe('JSON body guard', () => {
  const passed = (body: unknown) => {
    const next = jest.fn();
    refusePrototypeKeys({ body } as Request, {} as Response, next);
    return next.mock.calls[0][0];
  };

  it.each([
    ['a plain body', { amount: '1.00', nested: { list: [{ a: 1 }] } }],
    ['no body', undefined],
    ['an array', [1, 2]],
  ])('lets %s through', (_, body) => {
    expect(passed(body)).toBeUndefined();
  });

  it.each([
    ['__proto__', JSON.parse('{"__proto__":{"admin":true}}')],
    ['constructor', { constructor: { prototype: {} } }],
    ['a.0.prototype', { a: [{ prototype: 1 }] }],
  ])('refuses a body naming %s, at any depth, as an unknown field at that path', (key, body) => {
    const error = passed(body) as BadRequestException;
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.getResponse()).toMatchObject({ message: [`property ${key} should not exist`] });
  });

  it('turns a JSON parse failure into a 400 that does not quote the body', () => {
    const next = jest.fn();
    malformedJsonAsBadRequest(
      Object.assign(new SyntaxError('Unexpected token s in "secret"'), { type: 'entity.parse.failed', status: 400 }),
      {} as Request,
      {} as Response,
      next,
    );
    const error = next.mock.calls[0][0] as BadRequestException;
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.message).toBe('request body must be a valid JSON object');
  });

  it('passes any other error on unchanged', () => {
    const next = jest.fn();
    const tooLarge = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 });
    malformedJsonAsBadRequest(tooLarge, {} as Request, {} as Response, next);
    expect(next).toHaveBeenCalledWith(tooLarge);
  });
});

describe(refuseDeepNesting.name, () => {
  const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);
  const outcome = (body: unknown) => {
    const next = jest.fn();
    refuseDeepNesting({ body } as Request, {} as Response, next);
    return next.mock.calls[0][0];
  };

  it.each([
    ['no body', undefined],
    ['a flat body', { amount: '1.00' }],
    [`${MAX_JSON_DEPTH} levels`, { a: nested(MAX_JSON_DEPTH - 1) }],
  ])('lets %s through', (_, body) => {
    expect(outcome(body)).toBeUndefined();
  });

  it.each([MAX_JSON_DEPTH + 1, 5000, 100_000])('refuses %i levels with a 400 that says so', (depth) => {
    let body: unknown = 1;
    for (let i = 0; i < depth; i++) body = i % 2 ? [body] : { a: body }; // no recursion: the test must not overflow either
    const error = outcome(body) as BadRequestException;
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.message).toBe(`request body must not be nested more than ${MAX_JSON_DEPTH} levels deep`);
  });
});

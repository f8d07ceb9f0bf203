import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { MALFORMED_JSON_MESSAGE } from './json-body-guard';

interface ErrorBody {
  statusCode: number;
  message: string | string[];
  /** Structured detail an HttpException chose to expose (e.g. the health report). */
  details?: unknown;
}

/**
 * Every error leaves as `{ statusCode, error, message }` (plus `details` when the exception
 * carries them). Body-parser failures (malformed JSON, oversized body, wrong charset) keep their
 * 4xx status instead of becoming a 500; anything unexpected is logged and answered 500 without
 * internals.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    // Global filters also see errors of message handlers; those must reach the consumer's own
    // error handling (retry ladder, parking) untouched.
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    const { statusCode, message, details } = this.describe(exception);
    const error = (HttpStatus[statusCode] ?? 'Error')
      .toLowerCase()
      .replace(/(^|_)(\w)/g, (_, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase());
    const body = details === undefined ? { statusCode, error, message } : { statusCode, error, message, details };
    response.status(statusCode).json(body);
  }

  private describe(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      const body = exception.getResponse() as string | { message?: string | string[]; details?: unknown };
      if (typeof body === 'object' && body !== null) {
        return { statusCode: exception.getStatus(), message: body.message ?? exception.message, details: body.details };
      }
      return { statusCode: exception.getStatus(), message: body };
    }
    const parserError = exception as { status?: number; type?: string; message?: string };
    if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      const message =
        parserError.type === 'entity.too.large'
          ? 'request body is too large'
          : parserError.type === 'entity.parse.failed'
            ? MALFORMED_JSON_MESSAGE
            : (parserError.message ?? 'bad request');
      return { statusCode: parserError.status, message };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { statusCode: 500, message: 'internal error' };
  }
}

import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { errorText } from '../errors/error-text';

/**
 * Routes TypeORM's messages into the Nest logger (TypeORM's own loggers write to the console).
 * Failed queries are only debug lines: the error reaches the caller, which decides whether it is
 * expected (a duplicate dedup key, a retried deadlock) or worth an error line.
 *
 * TypeORM hands every query to `logQuery` whatever its `logging` option says (its own loggers
 * filter there), so the filter is here: queries are passed on, at verbose (trace), only when
 * `logQueries` is set. Passing each one down to pino just to be dropped cost ~2 % of a service's
 * CPU under load.
 */
export class TypeOrmNestLogger implements TypeOrmLogger {
  private readonly logger = new Logger('TypeORM');

  constructor(private readonly logQueries = false) {}

  logQuery(query: string): void {
    if (this.logQueries) this.logger.verbose(query);
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.debug(`query failed (${errorText(error)}): ${query}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${query}`);
  }

  /** TypeORM reports applied migrations here too; those are worth an info line. */
  logSchemaBuild(message: string): void {
    if (/^Migration .* executed successfully/.test(message)) this.logger.log(message);
    else this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.log(String(message));
  }
}

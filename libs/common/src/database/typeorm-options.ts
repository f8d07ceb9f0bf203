import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { LogLevel } from 'typeorm';
import type { ServiceConfig } from '../config/service.config';
import { TypeOrmNestLogger } from './typeorm-logger';

type MigrationClass = new () => unknown;
/** An entity class, as TypeORM takes it. */
export type EntityClass = abstract new (...args: never[]) => object;

/**
 * TypeORM options for a service database on MariaDB/MySQL or PostgreSQL (`db.type`): explicit entity and migration classes (no globs, so
 * the compiled build and ts-jest behave the same; entities of `forFeature` modules, such as the
 * library's, are added too), no `synchronize`, migrations applied at
 * start-up when `db.migrate` is set. `ensureDatabase` has already waited for the server, so
 * TypeORM itself retries only briefly. Every query is logged only at LOG_LEVEL=trace.
 */
export function typeOrmOptions(
  { db, logLevel, service }: Pick<ServiceConfig, 'db' | 'logLevel'> & { service?: string },
  entities: EntityClass[],
  migrations: MigrationClass[],
): TypeOrmModuleOptions {
  const logQueries = logLevel === 'trace';
  const common = {
    host: db.host,
    port: db.port,
    username: db.user,
    password: db.password,
    database: db.database,
    entities,
    autoLoadEntities: true,
    migrations,
    migrationsRun: db.migrate,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    retryAttempts: 1,
    retryDelay: 1000,
    logger: new TypeOrmNestLogger(logQueries),
    logging: ['error', 'warn', 'migration', 'schema', ...(logQueries ? ['query'] : [])] as LogLevel[],
    maxQueryExecutionTime: 2000,
  };
  if (db.type === 'postgres') {
    // node-postgres already returns NUMERIC and BIGINT as strings and timestamptz as Date.
    return { ...common, type: 'postgres', poolSize: db.poolSize, applicationName: service };
  }
  return {
    ...common,
    type: 'mysql',
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    bigNumberStrings: true,
    supportBigNumbers: true,
    // trace: false — mysql2 would capture a stack trace for every query (~4 % of a service's CPU
    // under load) only to decorate the rare error; TypeORM's QueryFailedError names the query.
    extra: { connectionLimit: db.poolSize, trace: false },
  };
}

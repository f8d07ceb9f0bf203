import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { claimRows } from './claim-rows';
import { leaseRows } from './lease-rows';
import { type SqlDialect, dialectOf } from './sql-dialect';

/** Anything that runs a statement: the DataSource (autocommit) or a transaction's EntityManager. */
export type Queryable = Pick<EntityManager, 'query'>;

/**
 * The host's `DataSource` with its {@link SqlDialect}: what every store runs its statements
 * through. Only stores use it; mechanisms call stores.
 */
@Injectable()
export class StoreDatabase {
  readonly dialect: SqlDialect;

  constructor(@InjectDataSource() readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
  }

  /** Runs `statement` (with `?` placeholders) on `on` (a transaction's manager), or in autocommit. */
  // `any` by default, as TypeORM's own `query`: the caller states the row shape it selected.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<T = any>(statement: string, params: unknown[] = [], on: Queryable = this.dataSource): Promise<T> {
    return on.query(this.dialect.sql(statement), params);
  }

  /** {@link claimRows} in this database's dialect. */
  claim<R>(
    select: string,
    params: unknown[],
    handle: (em: EntityManager, rows: R[]) => Promise<void>,
  ): Promise<number> {
    return claimRows<R>(this.dataSource, this.dialect.sql(select), params, handle);
  }

  /** {@link leaseRows} in this database's dialect. */
  lease<R extends { id: string | number }>(
    table: string,
    select: string,
    params: unknown[],
    leaseMs: number,
    alsoSet?: string,
  ): Promise<R[]> {
    return leaseRows<R>(this.dataSource, this.dialect, table, select, params, leaseMs, alsoSet);
  }
}

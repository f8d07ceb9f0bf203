import type { QueryRunner } from 'typeorm';
import { type DialectName, dialectOf } from '../store/sql-dialect';

/**
 * The engine a migration runs on, from the DataSource of its query runner: each migration writes
 * its DDL once per engine, as the two have no common DDL beyond the trivial. Asking the stores'
 * `dialectOf` keeps one answer to "which engines are supported" (any other is refused with the
 * list), so a migration never runs MySQL DDL on an engine it was not written for.
 */
export function engineOf(queryRunner: QueryRunner): DialectName {
  return dialectOf(queryRunner.connection).name;
}

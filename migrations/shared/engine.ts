import { dialectOf } from '@txmsg/nestjs';
import type { QueryRunner } from 'typeorm';

// What the services' migrations need to write one schema for two engines. Each migration keeps
// its MariaDB/MySQL statements as released and adds PostgreSQL's beside them.

/** True when the migration runs on PostgreSQL; otherwise it runs on MariaDB/MySQL. */
export function onPostgres(queryRunner: QueryRunner): boolean {
  return dialectOf(queryRunner.connection).name === 'postgres';
}

/** Runs `statement`, written with `?` placeholders, in the engine's own placeholder syntax. */
export function runStatement(queryRunner: QueryRunner, statement: string, params: unknown[] = []): Promise<unknown> {
  return queryRunner.query(dialectOf(queryRunner.connection).sql(statement), params);
}

/**
 * PostgreSQL's stand-in for MariaDB/MySQL's `ON UPDATE CURRENT_TIMESTAMP(3)`: a trigger that sets
 * `updated_at` on every UPDATE of `table`, so statements written as plain SQL keep it current as
 * they do on MariaDB/MySQL. Harmless when run again.
 */
export async function keepUpdatedAtOnPostgres(queryRunner: QueryRunner, table: string): Promise<void> {
  await queryRunner.query(`
    CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.updated_at := statement_timestamp();
      RETURN NEW;
    END $$`);
  await queryRunner.query(
    `CREATE OR REPLACE TRIGGER ${table}_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,
  );
}

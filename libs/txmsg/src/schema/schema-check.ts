import { Injectable, type OnModuleInit } from '@nestjs/common';
import { StoreDatabase } from '../store/store-database';
import { type PresentColumn, schemaProblem } from './required-schema';

/** The columns of the library's tables, one statement per engine: information_schema is spelt alike, scoped apart. */
const COLUMNS = {
  mysql: `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLLATION_NAME AS k FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'txmsg%'`,
  // The schemas unqualified names resolve in, as the stores' statements use them.
  postgres: `SELECT table_name AS t, column_name AS c, collation_name AS k FROM information_schema.columns
    WHERE table_schema = ANY (current_schemas(false)) AND table_name LIKE 'txmsg%'`,
};

/**
 * Refuses to start an application whose database lacks the library's tables or part of them (a
 * migration of `TXMSG_MIGRATIONS` that has not run), with an error naming what is missing and
 * how to make it, instead of starting workers that would fail every second and a first publish
 * that throws a driver error. One read of information_schema, in `onModuleInit`: after the
 * DataSource ran its migrations, before any worker or consumer starts (`onApplicationBootstrap`).
 */
@Injectable()
export class SchemaCheck implements OnModuleInit {
  constructor(private readonly db: StoreDatabase) {}

  async onModuleInit(): Promise<void> {
    const rows = await this.db.query<{ t: string; c: string; k: string | null }[]>(COLUMNS[this.db.dialect.name]);
    const present: PresentColumn[] = rows.map((row) => ({ table: row.t, column: row.c, collation: row.k }));
    const database = String(this.db.dataSource.options.database ?? '(default)');
    const problem = schemaProblem(this.db.dialect.name, database, present);
    if (problem) throw new Error(problem);
  }
}

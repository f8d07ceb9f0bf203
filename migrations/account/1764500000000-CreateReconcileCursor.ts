import type { MigrationInterface, QueryRunner } from 'typeorm';
import { keepUpdatedAtOnPostgres, onPostgres } from '../shared/engine';

/**
 * How far account has pulled pay's result list: pay's opaque `nextCursor`, stored in the
 * transaction that applies the page it ends, so a crash neither skips nor repeats a result.
 * One row per list pulled; NULL until the first page.
 */
export class CreateReconcileCursor1764500000000 implements MigrationInterface {
  name = 'CreateReconcileCursor1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (onPostgres(queryRunner)) {
      await queryRunner.query(`
        CREATE TABLE IF NOT EXISTS reconcile_cursor (
          source VARCHAR(32) NOT NULL,
          position VARCHAR(128) NULL,
          updated_at TIMESTAMPTZ(3) NOT NULL DEFAULT statement_timestamp(),
          PRIMARY KEY (source)
        )`);
      await keepUpdatedAtOnPostgres(queryRunner, 'reconcile_cursor');
      await queryRunner.query(
        `INSERT INTO reconcile_cursor (source, position) VALUES ('pay.recharges', NULL) ON CONFLICT (source) DO NOTHING`,
      );
      return;
    }
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS reconcile_cursor (
        source VARCHAR(32) NOT NULL,
        position VARCHAR(128) NULL,
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (source)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`INSERT IGNORE INTO reconcile_cursor (source, position) VALUES ('pay.recharges', NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS reconcile_cursor');
  }
}

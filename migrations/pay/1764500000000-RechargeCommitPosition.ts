import type { MigrationInterface, QueryRunner } from 'typeorm';
import { onPostgres } from '../shared/engine';

/**
 * The order in which receivers page through results. A row's id is taken when its transaction
 * starts writing, not when it commits, so a reader paging by id would step past a recharge whose
 * transaction commits after a later one. `commit_position` is given only to committed rows, by
 * the sequencer, in transactions serialised by the lock on the `recharge_sequence` row: a result
 * that commits late gets a later position, never one a reader has already passed.
 */
export class RechargeCommitPosition1764500000000 implements MigrationInterface {
  name = 'RechargeCommitPosition1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (onPostgres(queryRunner)) {
      await queryRunner.query('ALTER TABLE recharge ADD COLUMN IF NOT EXISTS commit_position BIGINT NULL');
      await queryRunner.query(
        'CREATE UNIQUE INDEX IF NOT EXISTS uq_recharge_commit_position ON recharge (commit_position)',
      );
      await queryRunner.query('CREATE INDEX IF NOT EXISTS ix_recharge_unsequenced ON recharge (commit_position, id)');
      await queryRunner.query(
        'CREATE INDEX IF NOT EXISTS ix_recharge_account_position ON recharge (account_no, commit_position)',
      );
      await queryRunner.query(`
        CREATE TABLE IF NOT EXISTS recharge_sequence (
          name VARCHAR(32) NOT NULL,
          last_position BIGINT NOT NULL CHECK (last_position >= 0),
          PRIMARY KEY (name)
        )`);
      await queryRunner.query(
        `INSERT INTO recharge_sequence (name, last_position) VALUES ('recharge', 0) ON CONFLICT (name) DO NOTHING`,
      );
      return;
    }
    await queryRunner.query(`
      ALTER TABLE recharge
        ADD COLUMN commit_position BIGINT UNSIGNED NULL,
        ADD UNIQUE KEY uq_recharge_commit_position (commit_position),
        ADD KEY ix_recharge_unsequenced (commit_position, id),
        ADD KEY ix_recharge_account_position (account_no, commit_position)`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS recharge_sequence (
        name VARCHAR(32) NOT NULL,
        last_position BIGINT UNSIGNED NOT NULL,
        PRIMARY KEY (name)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`INSERT IGNORE INTO recharge_sequence (name, last_position) VALUES ('recharge', 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS recharge_sequence');
    if (onPostgres(queryRunner)) {
      // Its indexes go with the column.
      await queryRunner.query('ALTER TABLE recharge DROP COLUMN IF EXISTS commit_position');
      return;
    }
    await queryRunner.query(`
      ALTER TABLE recharge
        DROP KEY ix_recharge_account_position,
        DROP KEY ix_recharge_unsequenced,
        DROP KEY uq_recharge_commit_position,
        DROP COLUMN commit_position`);
  }
}

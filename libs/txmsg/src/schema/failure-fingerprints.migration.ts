import type { MigrationInterface, QueryRunner } from 'typeorm';
import { engineOf } from './engine';

/**
 * Lets failed messages be grouped by cause, on both engines: `txmsg_inbox_failure` keeps the
 * class of the error (`error_class`) and a fingerprint of its consumer, reason, class and
 * normalised message (`fingerprint`, 16 hex digits), with an index for "the parked rows of a
 * consumer by fingerprint".
 *
 * Rows recorded before this migration are not backfilled: their error class is not stored
 * anywhere (`last_error` holds the error's `name`, which a subclass often does not set), so a
 * fingerprint computed from it would differ from the one of the same failure recorded now and
 * split its group anyway. They keep NULL, are grouped together per consumer and reason, are named
 * by `fingerprint=none`, and take a fingerprint the next time they fail. Adding nullable columns
 * rewrites no data.
 */
export class FailureFingerprints1764000000009 implements MigrationInterface {
  name = 'FailureFingerprints1764000000009';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (engineOf(queryRunner) === 'postgres') {
      await queryRunner.query(`
        ALTER TABLE txmsg_inbox_failure
          ADD COLUMN IF NOT EXISTS error_class VARCHAR(191) NULL,
          ADD COLUMN IF NOT EXISTS fingerprint CHAR(16) NULL`);
      await queryRunner.query(
        'CREATE INDEX IF NOT EXISTS ix_txmsg_failure_fingerprint ON txmsg_inbox_failure (status, consumer, fingerprint, id)',
      );
      return;
    }
    await queryRunner.query(`
      ALTER TABLE txmsg_inbox_failure
        ADD COLUMN error_class VARCHAR(191) NULL,
        ADD COLUMN fingerprint CHAR(16) CHARACTER SET ascii NULL,
        ADD KEY ix_txmsg_failure_fingerprint (status, consumer, fingerprint, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (engineOf(queryRunner) === 'postgres') {
      await queryRunner.query('DROP INDEX IF EXISTS ix_txmsg_failure_fingerprint');
      await queryRunner.query(
        'ALTER TABLE txmsg_inbox_failure DROP COLUMN IF EXISTS fingerprint, DROP COLUMN IF EXISTS error_class',
      );
      return;
    }
    await queryRunner.query(`
      ALTER TABLE txmsg_inbox_failure
        DROP KEY ix_txmsg_failure_fingerprint,
        DROP COLUMN fingerprint,
        DROP COLUMN error_class`);
  }
}

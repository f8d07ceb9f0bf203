import type { MigrationInterface, QueryRunner } from 'typeorm';
import { onPostgres } from '../shared/engine';

/**
 * txNos, Idempotency-Keys and webhook ids are compared exactly: under the tables'
 * case-insensitive collation, `Key-A` and `key-a` were one key.
 */
export class ExactKeys1764400000000 implements MigrationInterface {
  name = 'ExactKeys1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (onPostgres(queryRunner)) return; // PostgreSQL compares VARCHAR exactly already
    await queryRunner.query(`
      ALTER TABLE recharge
        MODIFY tx_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        MODIFY idempotency_key VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`);
    await queryRunner.query(`
      ALTER TABLE webhook_receipt
        MODIFY webhook_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        MODIFY subject VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (onPostgres(queryRunner)) return;
    const ci = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci';
    await queryRunner.query(
      `ALTER TABLE webhook_receipt MODIFY webhook_id VARCHAR(64) ${ci} NOT NULL, MODIFY subject VARCHAR(64) ${ci} NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE recharge MODIFY tx_no VARCHAR(64) ${ci} NOT NULL, MODIFY idempotency_key VARCHAR(64) ${ci} NULL`,
    );
  }
}

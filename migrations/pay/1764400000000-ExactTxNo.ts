import type { MigrationInterface, QueryRunner } from 'typeorm';
import { onPostgres } from '../shared/engine';

/**
 * A txNo is the merchant's order number: `Order-7` and `order-7` are two recharges. The table's
 * case-insensitive collation made them one (the second answered with the first's record).
 */
export class ExactTxNo1764400000000 implements MigrationInterface {
  name = 'ExactTxNo1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (onPostgres(queryRunner)) return; // PostgreSQL compares VARCHAR exactly already
    await queryRunner.query(
      'ALTER TABLE recharge MODIFY tx_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (onPostgres(queryRunner)) return;
    await queryRunner.query(
      'ALTER TABLE recharge MODIFY tx_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL',
    );
  }
}

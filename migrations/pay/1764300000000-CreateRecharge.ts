import type { MigrationInterface, QueryRunner } from 'typeorm';

/** pay's recharge records (the seed's `account_pay`): one row per txNo, with its result and receiver. */
export class CreateRecharge1764300000000 implements MigrationInterface {
  name = 'CreateRecharge1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS recharge (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        tx_no VARCHAR(64) NOT NULL,
        account_no VARCHAR(20) NOT NULL,
        amount DECIMAL(18,2) NOT NULL,
        result VARCHAR(16) NOT NULL,
        notify_url VARCHAR(2048) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_recharge_tx_no (tx_no),
        CONSTRAINT ck_recharge_amount_positive CHECK (amount > 0),
        CONSTRAINT ck_recharge_result CHECK (result IN ('success', 'fail'))
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS recharge');
  }
}

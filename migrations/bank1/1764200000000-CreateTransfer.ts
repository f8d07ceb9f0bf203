import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transfers bank1 started (seed 5.3): one row per transfer, written in the same transaction as
 * the debit. `status` moves PENDING → COMPLETED (bank2 credited) or PENDING → REFUNDED (bank2
 * rejected, source credited back), only ever by conditional updates.
 */
export class CreateTransfer1764200000000 implements MigrationInterface {
  name = 'CreateTransfer1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS transfer (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        tx_no VARCHAR(36) NOT NULL,
        from_account_no VARCHAR(20) NOT NULL,
        to_account_no VARCHAR(20) NOT NULL,
        amount DECIMAL(18,2) NOT NULL,
        status VARCHAR(16) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_transfer_tx_no (tx_no),
        KEY ix_transfer_from (from_account_no, created_at),
        CONSTRAINT ck_transfer_amount_positive CHECK (amount > 0),
        CONSTRAINT ck_transfer_status CHECK (status IN ('PENDING', 'COMPLETED', 'REFUNDED'))
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS transfer');
  }
}

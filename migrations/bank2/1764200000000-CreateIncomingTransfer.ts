import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transfers bank2 received from bank1 (seed 5.3), one row per `tx_no`, written in the same
 * transaction as the credit: CREDITED, or REJECTED when bank2 holds no such account.
 * `processed_at` is when bank2 applied it (the benchmark measures bank1 commit → this).
 * The unique `tx_no` is a second line of defence behind the library's dedup rows, which are
 * purged after their retention.
 */
export class CreateIncomingTransfer1764200000000 implements MigrationInterface {
  name = 'CreateIncomingTransfer1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS incoming_transfer (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        tx_no VARCHAR(36) NOT NULL,
        from_account_no VARCHAR(20) NOT NULL,
        to_account_no VARCHAR(20) NOT NULL,
        amount DECIMAL(18,2) NOT NULL,
        status VARCHAR(16) NOT NULL,
        processed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_incoming_transfer_tx_no (tx_no),
        CONSTRAINT ck_incoming_transfer_amount_positive CHECK (amount > 0),
        CONSTRAINT ck_incoming_transfer_status CHECK (status IN ('CREDITED', 'REJECTED'))
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS incoming_transfer');
  }
}

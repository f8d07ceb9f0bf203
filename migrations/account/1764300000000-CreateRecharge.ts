import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The account system's recharges: PENDING until a result from pay is applied (SUCCEEDED or
 * FAILED), with which path applied it (`applied_by`: mq, webhook, reconcile, reconciler, deadline).
 * `submitted_at` is when pay acknowledged the request; `checked_at` the last reconciliation;
 * `idempotency_key` the client's Idempotency-Key, so a retried request creates nothing new.
 */
export class CreateRecharge1764300000000 implements MigrationInterface {
  name = 'CreateRecharge1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS recharge (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        tx_no VARCHAR(64) NOT NULL,
        account_no VARCHAR(20) NOT NULL,
        amount DECIMAL(18,2) NOT NULL,
        status VARCHAR(16) NOT NULL DEFAULT 'PENDING',
        applied_by VARCHAR(16) NULL,
        idempotency_key VARCHAR(64) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        submitted_at DATETIME(3) NULL,
        checked_at DATETIME(3) NULL,
        applied_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_recharge_tx_no (tx_no),
        UNIQUE KEY uq_recharge_idempotency_key (idempotency_key),
        KEY ix_recharge_pending (status, created_at),
        CONSTRAINT ck_recharge_amount_positive CHECK (amount > 0),
        CONSTRAINT ck_recharge_status CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED'))
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS recharge');
  }
}

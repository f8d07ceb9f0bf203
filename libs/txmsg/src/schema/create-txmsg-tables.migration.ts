import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The library's tables, created in each service's own database so that outbox and dedup rows
 * commit in the same transaction as the business data. Add this class to the service's
 * migrations list. Idempotent: every statement is `IF NOT EXISTS`.
 *
 * - `txmsg_outbox`: messages to publish (READY), half messages awaiting check-back (PREPARED),
 *   and their end states (PUBLISHED, DISCARDED).
 * - `txmsg_dedup`: one row per (consumer, key) whose effect has been applied.
 * - `txmsg_inbox_failure`: consumed messages whose handler failed: WAITING for the next rung of
 *   the retry ladder, DISPATCHED back to their queue, or PARKED.
 */
export class CreateTxMsgTables1764000000000 implements MigrationInterface {
  name = 'CreateTxMsgTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS txmsg_outbox (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        message_id VARCHAR(64) NOT NULL,
        type VARCHAR(255) NOT NULL,
        exchange VARCHAR(255) NOT NULL,
        routing_key VARCHAR(255) NOT NULL,
        payload LONGTEXT NOT NULL,
        headers TEXT NULL,
        correlation_id VARCHAR(64) NULL,
        status VARCHAR(16) NOT NULL,
        tx_group VARCHAR(128) NULL,
        check_count INT NOT NULL DEFAULT 0,
        attempts INT NOT NULL DEFAULT 0,
        next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        last_error VARCHAR(1000) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        finished_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_txmsg_outbox_message (message_id),
        KEY ix_txmsg_outbox_due (status, next_attempt_at, id),
        KEY ix_txmsg_outbox_finished (finished_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS txmsg_dedup (
        consumer VARCHAR(191) NOT NULL,
        dedup_key VARCHAR(191) NOT NULL,
        message_id VARCHAR(64) NULL,
        processed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (consumer, dedup_key),
        KEY ix_txmsg_dedup_processed (processed_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS txmsg_inbox_failure (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        consumer VARCHAR(191) NOT NULL,
        message_id VARCHAR(64) NOT NULL,
        queue VARCHAR(255) NOT NULL,
        exchange VARCHAR(255) NOT NULL,
        routing_key VARCHAR(255) NOT NULL,
        properties TEXT NOT NULL,
        body LONGTEXT NOT NULL,
        attempts INT NOT NULL,
        status VARCHAR(16) NOT NULL,
        reason VARCHAR(32) NULL,
        next_attempt_at DATETIME(3) NOT NULL,
        last_error VARCHAR(2000) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_txmsg_failure_message (consumer, message_id),
        KEY ix_txmsg_failure_due (status, next_attempt_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS txmsg_inbox_failure');
    await queryRunner.query('DROP TABLE IF EXISTS txmsg_dedup');
    await queryRunner.query('DROP TABLE IF EXISTS txmsg_outbox');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of the best-effort HTTP notifier: `txmsg_notification` (one row per notification:
 * PENDING until a receiver answers 2xx, then DELIVERED, or FAILED after the ladder) and
 * `txmsg_notification_attempt` (every attempt: when, status code, error, duration).
 */
export class CreateTxMsgNotificationTables1764000000002 implements MigrationInterface {
  name = 'CreateTxMsgNotificationTables1764000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS txmsg_notification (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        notification_id VARCHAR(64) NOT NULL,
        subject VARCHAR(191) NULL,
        type VARCHAR(255) NOT NULL,
        target_url VARCHAR(2048) NOT NULL,
        body LONGTEXT NOT NULL,
        status VARCHAR(16) NOT NULL,
        attempts INT NOT NULL DEFAULT 0,
        next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        last_status INT NULL,
        last_error VARCHAR(1000) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        finished_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_txmsg_notification_id (notification_id),
        KEY ix_txmsg_notification_due (status, next_attempt_at),
        KEY ix_txmsg_notification_subject (subject)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS txmsg_notification_attempt (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        notification_id VARCHAR(64) NOT NULL,
        attempt INT NOT NULL,
        attempted_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        status_code INT NULL,
        error VARCHAR(1000) NULL,
        duration_ms INT NOT NULL,
        PRIMARY KEY (id),
        KEY ix_txmsg_notification_attempt (notification_id, attempt)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS txmsg_notification_attempt');
    await queryRunner.query('DROP TABLE IF EXISTS txmsg_notification');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ids of the signed webhooks account has accepted: a second delivery of the same `webhook-id`
 * is acknowledged without effect. Kept (not purged): pay may re-send an id at any time.
 */
export class CreateWebhookReceipt1764300000001 implements MigrationInterface {
  name = 'CreateWebhookReceipt1764300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS webhook_receipt (
        webhook_id VARCHAR(64) NOT NULL,
        type VARCHAR(64) NOT NULL,
        subject VARCHAR(64) NOT NULL,
        received_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (webhook_id),
        KEY ix_webhook_receipt_subject (subject)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS webhook_receipt');
  }
}

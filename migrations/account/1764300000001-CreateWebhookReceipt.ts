import type { MigrationInterface, QueryRunner } from 'typeorm';
import { onPostgres } from '../shared/engine';

/**
 * Ids of the signed webhooks account has accepted: a second delivery of the same `webhook-id`
 * is acknowledged without effect. Kept (not purged): pay may re-send an id at any time.
 */
export class CreateWebhookReceipt1764300000001 implements MigrationInterface {
  name = 'CreateWebhookReceipt1764300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (onPostgres(queryRunner)) {
      await queryRunner.query(`
        CREATE TABLE IF NOT EXISTS webhook_receipt (
          webhook_id VARCHAR(64) NOT NULL,
          type VARCHAR(64) NOT NULL,
          subject VARCHAR(64) NOT NULL,
          received_at TIMESTAMPTZ(3) NOT NULL DEFAULT statement_timestamp(),
          PRIMARY KEY (webhook_id)
        )`);
      await queryRunner.query('CREATE INDEX IF NOT EXISTS ix_webhook_receipt_subject ON webhook_receipt (subject)');
      return;
    }
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

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { engineOf } from './engine';

/**
 * Makes every key the library compares — dedup keys, consumer names, message and notification
 * ids, notification subjects — exact (binary collation). Under the tables' case-insensitive
 * collation, business keys that differ only in case (`Order-7` and `order-7`) were one dedup row,
 * so the second message's effect was silently dropped as a duplicate. Widening a collation to
 * binary can never create a duplicate, so this applies to tables with data in them.
 */
export class ExactTxMsgKeys1764000000003 implements MigrationInterface {
  name = 'ExactTxMsgKeys1764000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Nothing to do on PostgreSQL: PostgreSQL compares varchar keys exactly already (there is no case-insensitive collation to leave).
    if (engineOf(queryRunner) === 'postgres') return;
    await queryRunner.query(`
      ALTER TABLE txmsg_dedup
        MODIFY consumer VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        MODIFY dedup_key VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        MODIFY message_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`);
    await queryRunner.query(`
      ALTER TABLE txmsg_outbox
        MODIFY message_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE txmsg_inbox_failure
        MODIFY consumer VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        MODIFY message_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE txmsg_notification
        MODIFY notification_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        MODIFY subject VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`);
    await queryRunner.query(`
      ALTER TABLE txmsg_notification_attempt
        MODIFY notification_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Nothing was changed on PostgreSQL; reverting the migration that created the tables drops it all.
    if (engineOf(queryRunner) === 'postgres') return;
    const ci = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci';
    await queryRunner.query(`ALTER TABLE txmsg_notification_attempt MODIFY notification_id VARCHAR(64) ${ci} NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE txmsg_notification MODIFY notification_id VARCHAR(64) ${ci} NOT NULL, MODIFY subject VARCHAR(191) ${ci} NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE txmsg_inbox_failure MODIFY consumer VARCHAR(191) ${ci} NOT NULL, MODIFY message_id VARCHAR(64) ${ci} NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE txmsg_outbox MODIFY message_id VARCHAR(64) ${ci} NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE txmsg_dedup MODIFY consumer VARCHAR(191) ${ci} NOT NULL, MODIFY dedup_key VARCHAR(191) ${ci} NOT NULL, MODIFY message_id VARCHAR(64) ${ci} NULL`,
    );
  }
}

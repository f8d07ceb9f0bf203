import type { MigrationInterface, QueryRunner } from 'typeorm';
import { engineOf } from './engine';

/**
 * Keeps the SHA-256 of every applied and every failed message body, so that a second, different
 * body under a message id or dedup key already seen is told apart from a duplicate (and parked as
 * `CONFLICT`) instead of being silently taken for one, and so that it gets a failure row of its
 * own instead of overwriting the first's. Failure rows also keep the size of the body as
 * received (an oversized body is kept only in part).
 *
 * - `txmsg_dedup.payload_hash`: nullable; rows applied before this migration have none and never
 *   conflict.
 * - `txmsg_inbox_failure.payload_hash`: filled in for existing rows from their stored bodies, then
 *   part of the unique key `(consumer, message_id, payload_hash)`.
 */
export class PayloadHashes1764000000005 implements MigrationInterface {
  name = 'PayloadHashes1764000000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Nothing to do on PostgreSQL: on PostgreSQL the first migration created the hash and size columns and the three-column key with the tables.
    if (engineOf(queryRunner) === 'postgres') return;
    await queryRunner.query(`ALTER TABLE txmsg_dedup ADD COLUMN payload_hash CHAR(64) CHARACTER SET ascii NULL`);
    await queryRunner.query(`
      ALTER TABLE txmsg_inbox_failure
        ADD COLUMN payload_hash CHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '',
        ADD COLUMN body_size INT NULL`);
    await queryRunner.query(
      `UPDATE txmsg_inbox_failure SET payload_hash = SHA2(FROM_BASE64(body), 256), body_size = LENGTH(FROM_BASE64(body))`,
    );
    await queryRunner.query(`
      ALTER TABLE txmsg_inbox_failure
        DROP INDEX uq_txmsg_failure_message,
        ADD UNIQUE KEY uq_txmsg_failure_message (consumer, message_id, payload_hash)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Nothing was changed on PostgreSQL; reverting the migration that created the tables drops it all.
    if (engineOf(queryRunner) === 'postgres') return;
    // Only one row per (consumer, message id) fits the old key: the conflicting copies go.
    await queryRunner.query(`
      DELETE f FROM txmsg_inbox_failure f
        JOIN txmsg_inbox_failure g ON g.consumer = f.consumer AND g.message_id = f.message_id AND g.id < f.id`);
    await queryRunner.query(`
      ALTER TABLE txmsg_inbox_failure
        DROP INDEX uq_txmsg_failure_message,
        ADD UNIQUE KEY uq_txmsg_failure_message (consumer, message_id),
        DROP COLUMN body_size,
        DROP COLUMN payload_hash`);
    await queryRunner.query(`ALTER TABLE txmsg_dedup DROP COLUMN payload_hash`);
  }
}

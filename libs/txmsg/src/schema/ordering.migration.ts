import type { MigrationInterface, QueryRunner } from 'typeorm';
import { engineOf } from './engine';

/**
 * The tables of ordered messages, on both engines:
 *
 * - `txmsg_ordering_sequence` (producer side): the last sequence number given out per ordering
 *   key. Its row is locked by the transaction that takes the next number until that transaction
 *   commits, so the numbers of one key follow the commit order of their transactions.
 * - `txmsg_ordering_cursor` (consumer side): per ordered consumer, producing service and key, the
 *   last sequence applied, the one the key is blocked on (a message of it on the retry ladder
 *   or parked), and the highest one ever held back (none above the last applied: nothing to
 *   release, the common case, which then costs no statement).
 * - `txmsg_ordering_held`: messages that arrived before their predecessor, kept (body and
 *   properties as received) until it is applied, then sent back to their consumer's queue;
 *   `next_attempt_at` is when (NULL: waiting for a failing predecessor).
 */
export class Ordering1764000000008 implements MigrationInterface {
  name = 'Ordering1764000000008';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (engineOf(queryRunner) === 'postgres') return this.upPostgres(queryRunner);
    const exact = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_bin';
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS txmsg_ordering_sequence (
        ordering_key VARCHAR(191) ${exact} NOT NULL,
        last_seq BIGINT NOT NULL,
        PRIMARY KEY (ordering_key)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS txmsg_ordering_cursor (
        consumer VARCHAR(191) ${exact} NOT NULL,
        source VARCHAR(64) ${exact} NOT NULL,
        ordering_key VARCHAR(191) ${exact} NOT NULL,
        last_seq BIGINT NOT NULL DEFAULT 0,
        blocked_seq BIGINT NULL,
        blocked_at DATETIME(3) NULL,
        max_held_seq BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (consumer, source, ordering_key),
        KEY ix_txmsg_ordering_blocked (blocked_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS txmsg_ordering_held (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        consumer VARCHAR(191) ${exact} NOT NULL,
        source VARCHAR(64) ${exact} NOT NULL,
        ordering_key VARCHAR(191) ${exact} NOT NULL,
        seq BIGINT NOT NULL,
        message_id VARCHAR(64) ${exact} NOT NULL,
        queue VARCHAR(255) NOT NULL,
        properties TEXT NOT NULL,
        body LONGTEXT NOT NULL,
        held_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        next_attempt_at DATETIME(3) NULL,
        version INT NOT NULL DEFAULT 0,
        PRIMARY KEY (id),
        UNIQUE KEY uq_txmsg_ordering_held (consumer, source, ordering_key, seq),
        KEY ix_txmsg_ordering_due (next_attempt_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  private async upPostgres(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS txmsg_ordering_sequence (
        ordering_key VARCHAR(191) NOT NULL PRIMARY KEY,
        last_seq BIGINT NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS txmsg_ordering_cursor (
        consumer VARCHAR(191) NOT NULL,
        source VARCHAR(64) NOT NULL,
        ordering_key VARCHAR(191) NOT NULL,
        last_seq BIGINT NOT NULL DEFAULT 0,
        blocked_seq BIGINT NULL,
        blocked_at TIMESTAMPTZ(3) NULL,
        max_held_seq BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (consumer, source, ordering_key)
      )`);
    await queryRunner.query(
      'CREATE INDEX IF NOT EXISTS ix_txmsg_ordering_blocked ON txmsg_ordering_cursor (blocked_at)',
    );
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS txmsg_ordering_held (
        id BIGSERIAL PRIMARY KEY,
        consumer VARCHAR(191) NOT NULL,
        source VARCHAR(64) NOT NULL,
        ordering_key VARCHAR(191) NOT NULL,
        seq BIGINT NOT NULL,
        message_id VARCHAR(64) NOT NULL,
        queue VARCHAR(255) NOT NULL,
        properties TEXT NOT NULL,
        body BYTEA NOT NULL,
        held_at TIMESTAMPTZ(3) NOT NULL DEFAULT statement_timestamp(),
        next_attempt_at TIMESTAMPTZ(3) NULL,
        version INT NOT NULL DEFAULT 0,
        CONSTRAINT uq_txmsg_ordering_held UNIQUE (consumer, source, ordering_key, seq)
      )`);
    await queryRunner.query(
      'CREATE INDEX IF NOT EXISTS ix_txmsg_ordering_due ON txmsg_ordering_held (next_attempt_at)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS txmsg_ordering_held');
    await queryRunner.query('DROP TABLE IF EXISTS txmsg_ordering_cursor');
    await queryRunner.query('DROP TABLE IF EXISTS txmsg_ordering_sequence');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { onPostgres } from '../shared/engine';

/**
 * `Idempotency-Key` headers of accepted transfers, inserted in the same transaction as the debit.
 * The primary key makes a concurrent duplicate fail instead of debiting twice; `request_hash`
 * tells a replay (same body) from a misuse (different body).
 */
export class CreateIdempotencyKey1764200000001 implements MigrationInterface {
  name = 'CreateIdempotencyKey1764200000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (onPostgres(queryRunner)) {
      // PostgreSQL compares VARCHAR keys exactly, as the ascii_bin collation does.
      await queryRunner.query(`
        CREATE TABLE IF NOT EXISTS idempotency_key (
          idempotency_key VARCHAR(128) NOT NULL,
          request_hash CHAR(64) NOT NULL,
          tx_no VARCHAR(36) NOT NULL,
          created_at TIMESTAMPTZ(3) NOT NULL DEFAULT statement_timestamp(),
          PRIMARY KEY (idempotency_key)
        )`);
      await queryRunner.query('CREATE INDEX IF NOT EXISTS ix_idempotency_key_created ON idempotency_key (created_at)');
      return;
    }
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS idempotency_key (
        idempotency_key VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        request_hash CHAR(64) NOT NULL,
        tx_no VARCHAR(36) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (idempotency_key),
        KEY ix_idempotency_key_created (created_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS idempotency_key');
  }
}

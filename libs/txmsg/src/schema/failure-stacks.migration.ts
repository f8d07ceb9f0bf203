import type { MigrationInterface, QueryRunner } from 'typeorm';
import { engineOf } from './engine';

/**
 * `txmsg_inbox_failure.last_stack`: the stack of the last error a message failed with, for the
 * operator who opens it. Kept apart from `last_error`, which groups failures by cause and is
 * shown in every list; a stack is read only on the message's own page. Rows recorded before this
 * migration (and not failed since) have none.
 */
export class FailureStacks1764000000011 implements MigrationInterface {
  name = 'FailureStacks1764000000011';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (engineOf(queryRunner) === 'postgres') {
      await queryRunner.query('ALTER TABLE txmsg_inbox_failure ADD COLUMN IF NOT EXISTS last_stack TEXT NULL');
      return;
    }
    await queryRunner.query('ALTER TABLE txmsg_inbox_failure ADD COLUMN last_stack TEXT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      engineOf(queryRunner) === 'postgres'
        ? 'ALTER TABLE txmsg_inbox_failure DROP COLUMN IF EXISTS last_stack'
        : 'ALTER TABLE txmsg_inbox_failure DROP COLUMN last_stack',
    );
  }
}

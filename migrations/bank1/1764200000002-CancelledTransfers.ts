import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A scheduled transfer cancelled before it was sent ends CANCELLED (its debit given back): the
 * status check admits it. The same two statements on both engines.
 */
export class CancelledTransfers1764200000002 implements MigrationInterface {
  name = 'CancelledTransfers1764200000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.allow(queryRunner, ['PENDING', 'COMPLETED', 'REFUNDED', 'CANCELLED']);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.allow(queryRunner, ['PENDING', 'COMPLETED', 'REFUNDED']);
  }

  private async allow(queryRunner: QueryRunner, statuses: string[]): Promise<void> {
    await queryRunner.query('ALTER TABLE transfer DROP CONSTRAINT ck_transfer_status');
    const list = statuses.map((status) => `'${status}'`).join(', ');
    await queryRunner.query(`ALTER TABLE transfer ADD CONSTRAINT ck_transfer_status CHECK (status IN (${list}))`);
  }
}

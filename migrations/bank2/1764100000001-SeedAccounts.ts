import type { MigrationInterface, QueryRunner } from 'typeorm';
import { seedAccountV1, unseedAccountV1 } from '../shared/account-info.v1';

/** Li Si's account at bank2, 0.00 (SPEC §5 seed data). */
export class SeedAccounts1764100000001 implements MigrationInterface {
  name = 'SeedAccounts1764100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await seedAccountV1(queryRunner, { accountNo: '2', accountName: '李四的账户', balance: '0.00' });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await unseedAccountV1(queryRunner, '2');
  }
}

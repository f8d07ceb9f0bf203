import type { MigrationInterface, QueryRunner } from 'typeorm';
import { seedAccountV1, unseedAccountV1 } from '../shared/account-info.v1';

/** Zhang San's account in the account system, 10000.00 (SPEC §5 seed data). */
export class SeedAccounts1764100000001 implements MigrationInterface {
  name = 'SeedAccounts1764100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await seedAccountV1(queryRunner, { accountNo: '1', accountName: '张三的账户', balance: '10000.00' });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await unseedAccountV1(queryRunner, '1');
  }
}

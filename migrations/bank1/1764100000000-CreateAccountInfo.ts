import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createAccountInfoV1 } from '../shared/account-info.v1';

/** The bank1 database's accounts (seed table `account_info`). */
export class CreateAccountInfo1764100000000 implements MigrationInterface {
  name = 'CreateAccountInfo1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createAccountInfoV1(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS account_info');
  }
}

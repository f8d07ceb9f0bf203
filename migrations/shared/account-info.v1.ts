import type { QueryRunner } from 'typeorm';

// Version 1 of the seed's account_info table, shared by the bank1, bank2 and account databases.
// Frozen once released: a later schema change is a new migration in the database it concerns,
// never an edit here.

/** Creates `account_info`; harmless when the table exists. */
export async function createAccountInfoV1(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE IF NOT EXISTS account_info (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      account_name VARCHAR(100) NOT NULL,
      account_no VARCHAR(20) NOT NULL,
      account_password VARCHAR(100) NULL,
      balance DECIMAL(18,2) NOT NULL DEFAULT 0.00,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_account_info_account_no (account_no),
      CONSTRAINT ck_account_info_balance_not_negative CHECK (balance >= 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
}

/** Inserts one seed account unless an account with that number exists (its balance is kept). */
export async function seedAccountV1(
  queryRunner: QueryRunner,
  account: { accountNo: string; accountName: string; balance: string },
): Promise<void> {
  await queryRunner.query(
    `INSERT INTO account_info (account_no, account_name, balance) VALUES (?, ?, ?)
     ON DUPLICATE KEY UPDATE account_no = account_no`,
    [account.accountNo, account.accountName, account.balance],
  );
}

/** Removes a seed account (the `down` of a seed migration). */
export async function unseedAccountV1(queryRunner: QueryRunner, accountNo: string): Promise<void> {
  await queryRunner.query('DELETE FROM account_info WHERE account_no = ?', [accountNo]);
}

import { CreateTxMsgTables1764000000000 } from '@app/txmsg';
import { CreateAccountInfo1764100000000 } from './1764100000000-CreateAccountInfo';
import { SeedAccounts1764100000001 } from './1764100000001-SeedAccounts';

/** Every migration of the account database, oldest first. */
export const ACCOUNT_MIGRATIONS = [
  CreateTxMsgTables1764000000000,
  CreateAccountInfo1764100000000,
  SeedAccounts1764100000001,
];

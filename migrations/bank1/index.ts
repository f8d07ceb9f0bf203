import { CreateTxMsgTables1764000000000 } from '@app/txmsg';
import { CreateAccountInfo1764100000000 } from './1764100000000-CreateAccountInfo';
import { SeedAccounts1764100000001 } from './1764100000001-SeedAccounts';

/** Every migration of the bank1 database, oldest first. */
export const BANK1_MIGRATIONS = [
  CreateTxMsgTables1764000000000,
  CreateAccountInfo1764100000000,
  SeedAccounts1764100000001,
];

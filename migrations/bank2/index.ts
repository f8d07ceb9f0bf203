import { TXMSG_MIGRATIONS } from '@txmsg/nestjs';
import { CreateAccountInfo1764100000000 } from './1764100000000-CreateAccountInfo';
import { SeedAccounts1764100000001 } from './1764100000001-SeedAccounts';
import { CreateIncomingTransfer1764200000000 } from './1764200000000-CreateIncomingTransfer';

/** Every migration of the bank2 database: the library's tables, then the service's own. */
export const BANK2_MIGRATIONS = [
  ...TXMSG_MIGRATIONS,
  CreateAccountInfo1764100000000,
  SeedAccounts1764100000001,
  CreateIncomingTransfer1764200000000,
];

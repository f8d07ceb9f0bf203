import { TXMSG_MIGRATIONS } from '@txmsg/nestjs';
import { CreateAccountInfo1764100000000 } from './1764100000000-CreateAccountInfo';
import { SeedAccounts1764100000001 } from './1764100000001-SeedAccounts';
import { CreateTransfer1764200000000 } from './1764200000000-CreateTransfer';
import { CreateIdempotencyKey1764200000001 } from './1764200000001-CreateIdempotencyKey';
import { CancelledTransfers1764200000002 } from './1764200000002-CancelledTransfers';

/** Every migration of the bank1 database: the library's tables, then the service's own. */
export const BANK1_MIGRATIONS = [
  ...TXMSG_MIGRATIONS,
  CreateAccountInfo1764100000000,
  SeedAccounts1764100000001,
  CreateTransfer1764200000000,
  CreateIdempotencyKey1764200000001,
  CancelledTransfers1764200000002,
];

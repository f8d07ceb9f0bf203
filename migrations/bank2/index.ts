import { TXMSG_MIGRATIONS } from '@app/txmsg';
import { CreateAccountInfo1764100000000 } from './1764100000000-CreateAccountInfo';
import { SeedAccounts1764100000001 } from './1764100000001-SeedAccounts';

/** Every migration of the bank2 database: the library's tables, then the service's own. */
export const BANK2_MIGRATIONS = [...TXMSG_MIGRATIONS, CreateAccountInfo1764100000000, SeedAccounts1764100000001];

import { TXMSG_MIGRATIONS } from '@txmsg/nestjs';
import { CreateAccountInfo1764100000000 } from './1764100000000-CreateAccountInfo';
import { SeedAccounts1764100000001 } from './1764100000001-SeedAccounts';
import { CreateRecharge1764300000000 } from './1764300000000-CreateRecharge';
import { CreateWebhookReceipt1764300000001 } from './1764300000001-CreateWebhookReceipt';
import { ExactKeys1764400000000 } from './1764400000000-ExactKeys';
import { CreateReconcileCursor1764500000000 } from './1764500000000-CreateReconcileCursor';

/** Every migration of the account database: the library's tables, then the service's own. */
export const ACCOUNT_MIGRATIONS = [
  ...TXMSG_MIGRATIONS,
  CreateAccountInfo1764100000000,
  SeedAccounts1764100000001,
  CreateRecharge1764300000000,
  CreateWebhookReceipt1764300000001,
  ExactKeys1764400000000,
  CreateReconcileCursor1764500000000,
];

import { TXMSG_MIGRATIONS } from '@txmsg/nestjs';
import { CreateRecharge1764300000000 } from './1764300000000-CreateRecharge';
import { ExactTxNo1764400000000 } from './1764400000000-ExactTxNo';
import { RechargeCommitPosition1764500000000 } from './1764500000000-RechargeCommitPosition';

/** Every migration of the pay database: the library's tables, then the service's own. */
export const PAY_MIGRATIONS = [
  ...TXMSG_MIGRATIONS,
  CreateRecharge1764300000000,
  ExactTxNo1764400000000,
  RechargeCommitPosition1764500000000,
];

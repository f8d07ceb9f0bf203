import { CreateTxMsgTables1764000000000 } from '@app/txmsg';

/** Every migration of the pay database, oldest first. */
export const PAY_MIGRATIONS = [CreateTxMsgTables1764000000000];

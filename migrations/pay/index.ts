import { TXMSG_MIGRATIONS } from '@app/txmsg';

/** Every migration of the pay database: the library's tables (pay's own arrive with recharges). */
export const PAY_MIGRATIONS = [...TXMSG_MIGRATIONS];

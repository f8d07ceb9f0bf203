import { TXMSG_MIGRATIONS } from '@txmsg/nestjs';
import { CreateOrders1765000000000 } from './1765000000000-create-orders';
import { CreateStock1765000000001 } from './1765000000001-create-stock';
import { OrderLifecycle1765000000002 } from './1765000000002-order-lifecycle';

/** The library's tables (outbox, dedup, failures, ordering), then ours. */
export const MIGRATIONS = [
  ...TXMSG_MIGRATIONS,
  CreateOrders1765000000000,
  CreateStock1765000000001,
  OrderLifecycle1765000000002,
];

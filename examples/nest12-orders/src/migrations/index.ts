import { TXMSG_MIGRATIONS } from '@txmsg/nestjs';
import { CreateOrdersAndInvoices1766000000000 } from './1766000000000-create-orders-and-invoices.js';

/** The library's tables (outbox, dedup, failures, ordering), then ours. */
export const MIGRATIONS = [
  ...TXMSG_MIGRATIONS,
  CreateOrdersAndInvoices1766000000000,
];

import { CreateTxMsgNotificationTables1764000000002 } from './create-txmsg-notification-tables.migration';
import { CreateTxMsgTables1764000000000 } from './create-txmsg-tables.migration';
import { ExactTxMsgKeys1764000000003 } from './exact-txmsg-keys.migration';
import { FailureAttempts1764000000010 } from './failure-attempts.migration';
import { FailureFingerprints1764000000009 } from './failure-fingerprints.migration';
import { FailureHooks1764000000007 } from './failure-hooks.migration';
import { FailureStacks1764000000011 } from './failure-stacks.migration';
import { Ordering1764000000008 } from './ordering.migration';
import { PayloadHashes1764000000005 } from './payload-hashes.migration';
import { TraceContext1764000000004 } from './trace-context.migration';

/**
 * Every migration of the library, oldest first. Spread it into the service's TypeORM
 * `migrations`: `migrations: [...TXMSG_MIGRATIONS, ...ownMigrations]`.
 */
export const TXMSG_MIGRATIONS = [
  CreateTxMsgTables1764000000000,
  CreateTxMsgNotificationTables1764000000002,
  ExactTxMsgKeys1764000000003,
  TraceContext1764000000004,
  PayloadHashes1764000000005,
  FailureHooks1764000000007,
  Ordering1764000000008,
  FailureFingerprints1764000000009,
  FailureAttempts1764000000010,
  FailureStacks1764000000011,
];

export {
  CreateTxMsgNotificationTables1764000000002,
  CreateTxMsgTables1764000000000,
  ExactTxMsgKeys1764000000003,
  FailureAttempts1764000000010,
  FailureFingerprints1764000000009,
  FailureHooks1764000000007,
  FailureStacks1764000000011,
  Ordering1764000000008,
  PayloadHashes1764000000005,
  TraceContext1764000000004,
};

import { DeadLettersController } from './dead-letters.controller';
import { FailuresController } from './failures.controller';
import { OrderingController } from './ordering.controller';
import { OutboxAdminController } from './outbox-admin.controller';

/**
 * The library's admin API, behind {@link AdminTokenGuard}: parked and retrying messages, the
 * broker's dead letters, the outbox, ordered consumers' blocked keys. Their paths are relative:
 * each application mounts a copy under `admin.path` (`txmsg`), or none without the `admin` option.
 */
export const ADMIN_CONTROLLERS = [FailuresController, DeadLettersController, OutboxAdminController, OrderingController];

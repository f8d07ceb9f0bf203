import { ConsoleGroupsController } from './console-groups.controller';
import { ConsoleHistory } from './console-history';
import { ConsoleHttp } from './console-http';
import { ConsoleLoginController } from './console-login.controller';
import { ConsoleNotificationsController } from './console-notifications.controller';
import { ConsoleOrderingController } from './console-ordering.controller';
import { ConsoleOutboxController } from './console-outbox.controller';
import { ConsoleOverview } from './console-overview';
import { ConsoleRefusalFilter } from './console-refusal.filter';
import { ConsoleTokenGuard } from './console-token.guard';
import { ConsoleController } from './console.controller';

/**
 * The operator console: server-rendered pages, mounted by each application under `console.path`
 * when the console is on and an admin token is configured, or not at all.
 */
export const CONSOLE_CONTROLLERS = [
  ConsoleLoginController,
  ConsoleController,
  ConsoleGroupsController,
  ConsoleNotificationsController,
  ConsoleOrderingController,
  ConsoleOutboxController,
];

/** What the console's controllers need. */
export const CONSOLE_PROVIDERS = [
  ConsoleHttp,
  ConsoleHistory,
  ConsoleOverview,
  ConsoleRefusalFilter,
  ConsoleTokenGuard,
];

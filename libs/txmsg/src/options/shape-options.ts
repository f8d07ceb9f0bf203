import type { TxMsgAdminOptions } from './admin-options';
import type { TxMsgConsoleOptions } from './console-options';
import type { TxMsgMetricsOptions } from './metrics-options';

/**
 * The options that decide what {@link TxMsgModule} adds to the host application: routes and
 * nestjs-cls. `admin` and `metrics` may come from the factory of `forRootAsync` like any other
 * option (their routes are mounted when the options resolve); `cls` decides which modules are
 * imported, before any factory runs, so `forRootAsync` takes it beside `useFactory`.
 */
export interface TxMsgShapeOptions {
  /**
   * Mount the admin API under `admin.path` (`txmsg`). Default `false`: a library adds no routes
   * the host did not ask for, and a disabled admin API answers 404 and is not in the OpenAPI document.
   */
  admin?: TxMsgAdminOptions | false;
  /**
   * Serve the library's metrics and the process's at `GET /<path>`; `true` is `{}`. Default
   * `false`: a host that serves its own `/metrics` merges the registry exported as
   * `TXMSG_METRICS_REGISTRY`.
   */
  metrics?: TxMsgMetricsOptions | boolean;
  /**
   * Serve the operator console (server-rendered pages: overview, failed messages, one message
   * with requeue and delete) at `console.path` (`<admin.path>/console`); `true` is `{}`. Every
   * page and action needs the admin token, as a bearer token or the cookie its login page sets.
   * Default `false`; without an admin token (`admin: { token }`) it is not mounted either.
   */
  console?: TxMsgConsoleOptions | boolean;
  /**
   * Who sets up nestjs-cls. `own` (default): the library registers it globally, with the
   * `@nestjs-cls/transactional` plugin on the default TypeORM DataSource and a middleware that
   * takes the correlation id from `x-correlation-id`. `host`: the application already calls
   * `ClsModule.forRoot` with that plugin (global) and the library uses it.
   */
  cls?: 'own' | 'host';
}

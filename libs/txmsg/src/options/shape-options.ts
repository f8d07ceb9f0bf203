import type { TxMsgAdminOptions } from './admin-options';
import type { TxMsgMetricsOptions } from './metrics-options';

/**
 * Options that decide which controllers and modules {@link TxMsgModule} adds to the host
 * application. They are read when the module is built, before any factory runs, so
 * `forRootAsync` takes them beside `useFactory` rather than from it.
 */
export interface TxMsgShapeOptions {
  /** Mount the admin API. Default `false`: a library adds no routes the host did not ask for. */
  admin?: TxMsgAdminOptions | false;
  /**
   * Serve the library's metrics and the process's at `GET /<path>`. Default `false`: a host
   * that serves its own `/metrics` merges the registry exported as `TXMSG_METRICS_REGISTRY`.
   */
  metrics?: TxMsgMetricsOptions | false;
  /**
   * Who sets up nestjs-cls. `own` (default): the library registers it globally, with the
   * `@nestjs-cls/transactional` plugin on the default TypeORM DataSource and a middleware that
   * takes the correlation id from `x-correlation-id`. `host`: the application already calls
   * `ClsModule.forRoot` with that plugin (global) and the library uses it.
   */
  cls?: 'own' | 'host';
}

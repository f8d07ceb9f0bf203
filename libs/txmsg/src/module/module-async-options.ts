import type { InjectionToken, ModuleMetadata } from '@nestjs/common';
import type { TxMsgAdminOptions, TxMsgMetricsOptions, TxMsgModuleOptions } from '../txmsg.options';

/**
 * Options of {@link TxMsgModule.forRootAsync}: a factory of every option (`admin` and `metrics`
 * included, so the admin token can come from a config service), and `cls` beside it.
 */
export interface TxMsgModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nest passes whatever `inject` lists, as in its own modules
  useFactory: (...args: any[]) => TxMsgModuleOptions | Promise<TxMsgModuleOptions>;
  inject?: InjectionToken[];
  /**
   * Who sets up nestjs-cls (see {@link TxMsgShapeOptions.cls}). It decides which modules are
   * imported, before any factory runs, so it is given here; the factory may repeat it but not
   * change it (start-up fails if it does).
   */
  cls?: 'own' | 'host';
  /** @deprecated Return `admin` from `useFactory`. Used when the factory returns no `admin`. */
  admin?: TxMsgAdminOptions | false;
  /** @deprecated Return `metrics` from `useFactory`. Used when the factory returns no `metrics`. */
  metrics?: TxMsgMetricsOptions | boolean;
}

import type { InjectionToken, ModuleMetadata } from '@nestjs/common';
import type { TxMsgRuntimeOptions, TxMsgShapeOptions } from '../txmsg.options';

/** Options of {@link TxMsgModule.forRootAsync}: a factory of the runtime options, and the module's shape. */
export interface TxMsgModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'>, TxMsgShapeOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nest passes whatever `inject` lists, as in its own modules
  useFactory: (...args: any[]) => TxMsgRuntimeOptions | Promise<TxMsgRuntimeOptions>;
  inject?: InjectionToken[];
}

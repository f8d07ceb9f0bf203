import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import { assertValid, type TxMsgRuntimeOptions, type TxMsgShapeOptions, withDefaults } from '../txmsg.options';

/** Options of {@link TxMsgModule.forRootAsync}: a factory of the runtime options, and the module's shape. */
export interface TxMsgModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'>, TxMsgShapeOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nest passes whatever `inject` lists, as in its own modules
  useFactory: (...args: any[]) => TxMsgRuntimeOptions | Promise<TxMsgRuntimeOptions>;
  inject?: InjectionToken[];
}

/** Holds the resolved options so both TxMsgModule and the broker module it configures can read them. */
@Module({})
class TxMsgOptionsModule {}

/** The module providing {@link TXMSG_OPTIONS}: the factory's options with the shape, defaults filled, validated. */
export function optionsModule(options: TxMsgModuleAsyncOptions): DynamicModule {
  const { admin, metrics, cls } = options;
  return {
    module: TxMsgOptionsModule,
    imports: options.imports ?? [],
    providers: [
      {
        provide: TXMSG_OPTIONS,
        inject: options.inject ?? [],
        useFactory: async (...args: unknown[]) => {
          const resolved = withDefaults({ ...(await options.useFactory(...args)), admin, metrics, cls });
          assertValid(resolved);
          return resolved;
        },
      },
    ],
    exports: [TXMSG_OPTIONS],
  };
}

import { type DynamicModule, Module } from '@nestjs/common';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import { assertValid, withDefaults } from '../txmsg.options';
import type { TxMsgModuleAsyncOptions } from './module-async-options';

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

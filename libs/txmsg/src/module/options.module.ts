import { type DynamicModule, Module } from '@nestjs/common';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import { assertValid, type TxMsgModuleOptions, withDefaults } from '../txmsg.options';
import type { LibraryRoutes } from './library-routes';
import type { TxMsgModuleAsyncOptions } from './module-async-options';

/** Holds the resolved options so both TxMsgModule and the broker module it configures can read them. */
@Module({})
class TxMsgOptionsModule {}

/**
 * The module providing {@link TXMSG_OPTIONS}: the factory's options, defaults filled, validated.
 * Resolving them also mounts the library's routes where they say (see {@link LibraryRoutes}):
 * providers are made before Nest registers any route.
 */
export function optionsModule(options: TxMsgModuleAsyncOptions, routes: LibraryRoutes): DynamicModule {
  return {
    module: TxMsgOptionsModule,
    imports: options.imports ?? [],
    providers: [
      {
        provide: TXMSG_OPTIONS,
        inject: options.inject ?? [],
        useFactory: async (...args: unknown[]) => {
          const resolved = withDefaults(merged(await options.useFactory(...args), options));
          assertValid(resolved);
          routes.apply(resolved);
          return resolved;
        },
      },
    ],
    exports: [TXMSG_OPTIONS],
  };
}

/** The factory's options, with what was given beside it where the factory gave nothing. */
function merged(given: TxMsgModuleOptions, beside: TxMsgModuleAsyncOptions): TxMsgModuleOptions {
  const cls = beside.cls ?? 'own';
  if (given.cls !== undefined && given.cls !== cls) {
    throw new Error(
      `Invalid TxMsgModule options: the factory returned cls: "${given.cls}", but the module was built with cls: "${cls}". cls decides which modules TxMsgModule imports, before any factory runs: give it beside useFactory, as TxMsgModule.forRootAsync({ cls: "${given.cls}", useFactory, inject }).`,
    );
  }
  return {
    ...given,
    admin: given.admin === undefined ? beside.admin : given.admin,
    metrics: given.metrics === undefined ? beside.metrics : given.metrics,
    cls,
  };
}

import { Injectable, type Type } from '@nestjs/common';
import { MODULE_PATH } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { LibraryRoutes } from './library-routes';
import { type DeclaredRoute, declaredRoutes, routeClashes, routeClashMessage } from './route-clashes';

/**
 * Refuses to start an application with a route of its own on the method and path of one of the
 * library's (its own `GET /metrics`, say): Express would let whichever was registered first
 * answer, silently, and Fastify refuse with a message that does not say how to move either. Runs
 * before Nest registers any route (see {@link TxMsgModule.configure}), from the controllers'
 * metadata, so it works alike on every HTTP adapter. A global prefix applies to both sides alike
 * and changes nothing; routes added without a controller (raw middleware) are not seen.
 */
@Injectable()
export class RouteClashCheck {
  constructor(
    private readonly modules: ModulesContainer,
    private readonly routes: LibraryRoutes,
  ) {}

  /** Throws one Error naming every clash and the option that moves the library's route. */
  assertNone(): void {
    const mounted = this.routes.mounted();
    if (mounted.length === 0) return;
    const ours = new Set<Type>(mounted.map(({ type }) => type));
    const host: DeclaredRoute[] = [];
    let libraryModulePath = '';
    for (const moduleRef of this.modules.values()) {
      const modulePath = this.modulePathOf(moduleRef.metatype);
      for (const wrapper of moduleRef.controllers.values()) {
        const type = wrapper.metatype as Type | undefined;
        if (!type) continue;
        if (ours.has(type)) libraryModulePath = modulePath;
        else host.push(...declaredRoutes(type, modulePath));
      }
    }
    const library = mounted.map(({ feature, type }) => ({ feature, routes: declaredRoutes(type, libraryModulePath) }));
    const clashes = routeClashes(library, host);
    if (clashes.length > 0) throw new Error(routeClashMessage(clashes));
  }

  /** The path RouterModule gave a module, looked up as Nest's router does. */
  private modulePathOf(metatype: Type): string {
    const path = (Reflect.getMetadata(MODULE_PATH + this.modules.applicationId, metatype) ??
      Reflect.getMetadata(MODULE_PATH, metatype)) as string | undefined;
    return path ?? '';
  }
}

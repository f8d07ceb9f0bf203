import { RequestMethod, type Type } from '@nestjs/common';
import { HOST_METADATA, METHOD_METADATA, PATH_METADATA, VERSION_METADATA } from '@nestjs/common/constants';
import type { RouteFeature } from './library-routes';

/** One route a controller declares: its method and full path (module path, controller, method). */
export interface DeclaredRoute {
  method: RequestMethod;
  path: string;
  /** `Controller.method`, for the message. */
  handler: string;
}

/** A host route on the same method and path as one of the library's. */
export interface RouteClash {
  feature: RouteFeature;
  library: DeclaredRoute;
  host: DeclaredRoute;
}

/**
 * The routes `controller` declares, read from Nest's own metadata as its router reads it — so
 * the answer is the same on Express and Fastify. Routes bound to a version or a host name are left
 * out: they are told apart by more than method and path.
 */
export function declaredRoutes(controller: Type, modulePath = ''): DeclaredRoute[] {
  if (Reflect.getMetadata(HOST_METADATA, controller) !== undefined) return [];
  const versioned = Reflect.getMetadata(VERSION_METADATA, controller) !== undefined;
  const routes: DeclaredRoute[] = [];
  for (const name of methodNames(controller.prototype)) {
    const fn: unknown = (controller.prototype as Record<string, unknown>)[name];
    if (typeof fn !== 'function') continue;
    const methodPath: unknown = Reflect.getMetadata(PATH_METADATA, fn);
    if (methodPath === undefined || versioned || Reflect.getMetadata(VERSION_METADATA, fn) !== undefined) continue;
    const method = (Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined) ?? RequestMethod.GET;
    for (const ctrlPath of listOf(Reflect.getMetadata(PATH_METADATA, controller))) {
      for (const path of listOf(methodPath)) {
        routes.push({ method, path: joined(modulePath, ctrlPath, path), handler: `${controller.name}.${name}` });
      }
    }
  }
  return routes;
}

/** Every host route that takes the method and path of a library route. Pure. */
export function routeClashes(
  library: { feature: RouteFeature; routes: DeclaredRoute[] }[],
  host: DeclaredRoute[],
): RouteClash[] {
  const clashes: RouteClash[] = [];
  for (const { feature, routes } of library) {
    for (const mine of routes) {
      for (const theirs of host) {
        if (sameMethod(mine.method, theirs.method) && shape(mine.path) === shape(theirs.path)) {
          clashes.push({ feature, library: mine, host: theirs });
        }
      }
    }
  }
  return clashes;
}

/** How to move each feature's routes out of the application's way. */
const MOVES: Record<RouteFeature, string> = {
  admin: "move the admin API with admin: { token, path: 'ops/txmsg' }",
  metrics:
    "move the metrics with metrics: { path: 'txmsg/metrics' }, or set metrics: false and serve the registry injected as TXMSG_METRICS_REGISTRY from your own endpoint",
  console: "move the console with console: { path: 'ops/console' }",
};

/** The start-up error of `clashes`: each clash, and the option that moves the library's route. */
export function routeClashMessage(clashes: RouteClash[]): string {
  const listed = clashes.map(
    ({ library, host }) =>
      `${RequestMethod[library.method]} ${library.path} (the library's ${library.handler}, the application's ${host.handler})`,
  );
  const moves = [...new Set(clashes.map((clash) => clash.feature))].map((feature) => MOVES[feature]);
  return `TxMsgModule: routes of the library clash with routes of the application, and only one of each pair would ever answer: ${listed.join('; ')}. To keep both, ${moves.join('; ')} (TxMsgModule.forRoot, or the options returned by the forRootAsync factory).`;
}

function methodNames(prototype: object | null): string[] {
  const names = new Set<string>();
  for (let p = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) if (name !== 'constructor') names.add(name);
  }
  return [...names];
}

function listOf(path: unknown): string[] {
  if (Array.isArray(path)) return path.map(String);
  return [path === undefined ? '' : String(path)];
}

function joined(...parts: string[]): string {
  const segments = parts.flatMap((part) => part.split('/')).filter((segment) => segment.length > 0);
  return `/${segments.join('/')}`;
}

function sameMethod(a: RequestMethod, b: RequestMethod): boolean {
  return a === b || a === RequestMethod.ALL || b === RequestMethod.ALL;
}

/** A path as routers match it: parameter names do not matter, and Express ignores case. */
function shape(path: string): string {
  return path
    .toLowerCase()
    .split('/')
    .map((segment) => (segment.startsWith(':') ? ':' : segment))
    .join('/');
}

import type { Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';

/**
 * A copy of a controller class whose routes one application decides when its options resolve:
 * where they are mounted, or that there are none. The copy inherits the class's constructor,
 * guards and documentation; each route method is a wrapper carrying a copy of the method's
 * metadata, so taking one application's routes away never touches the class another
 * application (a test in the same process, say) mounts.
 */
export class ControllerCopy {
  readonly type: Type;
  private readonly routes: { route: object; original: object }[] = [];

  constructor(private readonly base: Type) {
    const copy = { [base.name]: class extends base {} }[base.name];
    for (const name of Object.getOwnPropertyNames(base.prototype)) {
      const original = Object.getOwnPropertyDescriptor(base.prototype, name)?.value as unknown;
      if (typeof original !== 'function' || Reflect.getMetadata(PATH_METADATA, original) === undefined) continue;
      const route = {
        [name](this: unknown, ...args: unknown[]) {
          return original.apply(this, args);
        },
      }[name];
      for (const key of Reflect.getMetadataKeys(original)) {
        Reflect.defineMetadata(key, Reflect.getMetadata(key, original), route);
      }
      Object.defineProperty(copy.prototype, name, { value: route, writable: true, configurable: true });
      this.routes.push({ route, original });
    }
    this.type = copy;
  }

  /** Mounts the copy's routes under `prefix` (the class's own path, if any, follows it). */
  mountAt(prefix: string): void {
    const own = String(Reflect.getMetadata(PATH_METADATA, this.base) ?? '').replace(/^\/+|\/+$/g, '');
    Reflect.defineMetadata(PATH_METADATA, own ? `${prefix}/${own}` : prefix, this.type);
    for (const { route, original } of this.routes) {
      for (const key of [PATH_METADATA, METHOD_METADATA]) {
        Reflect.defineMetadata(key, Reflect.getMetadata(key, original), route);
      }
    }
  }

  /** Takes every route of the copy away: Nest registers none, and an OpenAPI document lists none. */
  unmount(): void {
    for (const { route } of this.routes) {
      Reflect.deleteMetadata(PATH_METADATA, route);
      Reflect.deleteMetadata(METHOD_METADATA, route);
    }
  }

  /** Whether the copy has routes now. */
  get mounted(): boolean {
    return this.routes.some(({ route }) => Reflect.getMetadata(PATH_METADATA, route) !== undefined);
  }
}

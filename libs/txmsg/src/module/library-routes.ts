import type { Type } from '@nestjs/common';
import { ADMIN_CONTROLLERS } from '../admin';
import { CONSOLE_CONTROLLERS } from '../console';
import { MetricsController } from '../metrics/metrics.controller';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { ControllerCopy } from './controller-copy';

/** A feature of the library that serves routes, and the option that moves them. */
export type RouteFeature = 'admin' | 'metrics' | 'console';

/**
 * The library's controllers in one application: copies of the admin controllers, of the metrics
 * controller and of the console's, always declared (Nest takes controllers when the module is
 * defined, before any factory has run), mounted when the options resolve — under `admin.path`, at
 * `metrics.path` and at `console.path` — or left without a single route when their feature is
 * off, so a disabled admin API or console answers 404 like any unknown path and is absent from
 * the OpenAPI document.
 */
export class LibraryRoutes {
  private readonly copies: { feature: RouteFeature; copy: ControllerCopy }[] = [
    ...ADMIN_CONTROLLERS.map((type) => ({ feature: 'admin' as const, copy: new ControllerCopy(type) })),
    { feature: 'metrics', copy: new ControllerCopy(MetricsController) },
    ...CONSOLE_CONTROLLERS.map((type) => ({ feature: 'console' as const, copy: new ControllerCopy(type) })),
  ];

  /** The controllers to declare. */
  get controllers(): Type[] {
    return this.copies.map(({ copy }) => copy.type);
  }

  /** Mounts each feature's controllers where the options say, or takes their routes away. */
  apply(options: Pick<ResolvedTxMsgOptions, RouteFeature>): void {
    for (const { feature, copy } of this.copies) {
      const on = options[feature];
      if (on) copy.mountAt(on.path);
      else copy.unmount();
    }
  }

  /** The controllers that serve routes now, each with its feature. */
  mounted(): { feature: RouteFeature; type: Type }[] {
    return this.copies.filter(({ copy }) => copy.mounted).map(({ feature, copy }) => ({ feature, type: copy.type }));
  }
}

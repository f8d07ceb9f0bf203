import { type DynamicModule, Global, Inject, Module } from '@nestjs/common';
import type { ServiceConfig } from './service.config';

/** Injection token of the service's validated configuration. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** Injects the configuration `bootstrapService` loaded and validated before Nest started. */
export const InjectServiceConfig = (): ParameterDecorator => Inject(SERVICE_CONFIG);

/**
 * Makes the already validated configuration injectable everywhere (global), so no module reads
 * `process.env` or validates anything again.
 */
@Global()
@Module({})
export class ServiceConfigModule {
  static forRoot<C extends ServiceConfig>(config: C): DynamicModule {
    return {
      module: ServiceConfigModule,
      providers: [{ provide: SERVICE_CONFIG, useValue: config }],
      exports: [SERVICE_CONFIG],
    };
  }
}

import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { DynamicModule } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import { correlationIdOf, type WithHeaders } from './correlation-id';

/**
 * nestjs-cls for the whole application, when the host has not set it up (`cls: 'own'`): the
 * transactional plugin on the default TypeORM DataSource, so `@Transactional()` and
 * `TransactionHost` work everywhere, and a middleware that keeps the caller's
 * `x-correlation-id` (or makes one) as the context id, which messages sent in the request carry.
 */
export function ownClsModule(): DynamicModule {
  return ClsModule.forRoot({
    global: true,
    middleware: { mount: true, generateId: true, idGenerator: (req: WithHeaders) => correlationIdOf(req) },
    plugins: [
      new ClsPluginTransactional({
        adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
      }),
    ],
  });
}

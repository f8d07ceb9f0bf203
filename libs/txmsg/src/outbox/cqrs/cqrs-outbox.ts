import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, type OnApplicationBootstrap, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { EventBus } from '@nestjs/cqrs';
import { TransactionHooks } from '../../transaction-hooks/transaction-hooks';
import { Outbox } from '../outbox';
import { IntegrationEventPublisher } from './integration-event-publisher';

/**
 * `EventBus` of @nestjs/cqrs, or undefined when the host app does not have it installed. Any
 * other failure to load it (a version that does not load on this Node or Nest) is thrown: taken
 * for absence, it would silently send the host's integration events past the outbox.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily: @nestjs/cqrs is an optional peer
export function eventBusClass(load: () => unknown = () => require('@nestjs/cqrs')): Type<EventBus> | undefined {
  try {
    return (load() as typeof import('@nestjs/cqrs')).EventBus;
  } catch (error) {
    if (isCqrsMissing(error)) return undefined;
    throw error;
  }
}

function isCqrsMissing(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes("'@nestjs/cqrs'");
}

/**
 * Routes {@link IntegrationEvent}s published on @nestjs/cqrs's `EventBus` (`eventBus.publish`, or
 * an `AggregateRoot` merged with `EventPublisher` and committed) to the outbox, by wrapping the
 * bus's publisher at start-up (see {@link IntegrationEventPublisher}). Does nothing when the app
 * has no `CqrsModule`; other events keep their in-process path.
 */
@Injectable()
export class CqrsOutbox implements OnApplicationBootstrap {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly outbox: Outbox,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly hooks: TransactionHooks,
  ) {}

  onApplicationBootstrap(): void {
    const type = eventBusClass();
    const bus = type && this.find(type);
    if (!bus || bus.publisher instanceof IntegrationEventPublisher) return;
    bus.publisher = new IntegrationEventPublisher(bus.publisher, this.outbox, this.txHost, this.hooks);
  }

  private find(type: Type<EventBus>): EventBus | undefined {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return undefined; // no CqrsModule in this app
    }
  }
}

import { RABBIT_HANDLER } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';

interface Subscription {
  queue?: string;
  queueOptions?: { durable?: boolean; arguments?: Record<string, unknown> };
}

/**
 * Applies `broker.queueType` to every named `@RabbitSubscribe` queue before golevelup declares
 * them (it registers handlers at application bootstrap, after this runs): with `quorum`, queues
 * are replicated across a RabbitMQ cluster and dead-letter at least once — a configuration switch,
 * not a code change. A queue that sets its own `x-queue-type` keeps it.
 */
@Injectable()
export class QueueTopology implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  onModuleInit(): void {
    if (this.options.broker.queueType !== 'quorum') return;
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const prototype = wrapper.metatype?.prototype;
      if (!prototype || !wrapper.instance) continue;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = prototype[name];
        const subscription: Subscription | undefined = Reflect.getMetadata(RABBIT_HANDLER, method);
        if (!subscription?.queue) continue;
        Reflect.defineMetadata(RABBIT_HANDLER, quorum(subscription), method);
      }
    }
  }
}

function quorum(subscription: Subscription): Subscription {
  return {
    ...subscription,
    queueOptions: {
      ...subscription.queueOptions,
      durable: true,
      arguments: { 'x-queue-type': 'quorum', ...subscription.queueOptions?.arguments },
    },
  };
}

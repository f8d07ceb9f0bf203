import { RABBIT_HANDLER } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { ConsumeMessage } from 'amqplib';
import type { ConsumerRuntime } from '../../consumer/consumer-runtime';
import { DEFAULT_QUEUE, defaultQueueName } from '../../consumer/default-queue';
import { bindRuntime, IDEMPOTENT_HANDLER } from '../../consumer/runtime-binding';
import { TXMSG_OPTIONS } from '../../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../../txmsg.options';
import { InMemoryBroker, type TestSubscription } from './in-memory-broker';
import { TestConsumerRuntime } from './test-consumer-runtime';

/**
 * Finds the application's `@Idempotent` (and `@OnIntegrationEvent`) handlers at bootstrap as
 * TxMsgModule does — every provider and controller, the handler mark and golevelup's
 * subscription metadata — binds the test runtime to their instances, and subscribes them to the
 * in-memory broker with the subscription's exchange (the library's by default), routing keys and
 * queue.
 */
@Injectable()
export class ConsumerBindings implements OnModuleInit {
  private bound = false;
  private subscriptions: TestSubscription[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly runtime: TestConsumerRuntime,
    private readonly broker: InMemoryBroker,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /** Whether the module was initialised (`moduleRef.init()` or `app.init()`). */
  get initialised(): boolean {
    return this.bound;
  }

  /** The consumer names of the handlers `owner` declares. */
  consumersOf(owner: Type): string[] {
    return this.subscriptions.filter((s) => s.owner === owner).map((s) => s.consumer);
  }

  onModuleInit(): void {
    const subscriptions: TestSubscription[] = [];
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const prototype = wrapper.metatype?.prototype;
      const instance = wrapper.instance as Record<string, (...args: unknown[]) => Promise<unknown>> | undefined;
      if (!prototype || !instance) continue;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const consumer = Reflect.getMetadata(IDEMPOTENT_HANDLER, prototype[name]) as string | undefined;
        if (consumer === undefined) continue;
        // The wrapper asks for no more than `handle`, which the test runtime has.
        bindRuntime(instance, this.runtime as unknown as ConsumerRuntime);
        const declared = Reflect.getMetadata(RABBIT_HANDLER, prototype[name]) as
          { exchange?: string; routingKey?: string | string[]; queue?: string } | undefined;
        if (!declared) continue;
        const subscription = { ...declared };
        // As TxMsgModule names it at bootstrap, where the wrapper reads it from.
        if (!subscription.queue && Reflect.getMetadata(DEFAULT_QUEUE, prototype[name])) {
          subscription.queue = defaultQueueName(this.options.service, consumer);
          Reflect.defineMetadata(RABBIT_HANDLER, { ...subscription }, prototype[name]);
        }
        const { routingKey } = subscription;
        subscriptions.push({
          consumer,
          owner: wrapper.metatype as Type,
          exchange: subscription.exchange ?? this.options.broker.exchange,
          routingKeys: routingKey === undefined ? [] : Array.isArray(routingKey) ? routingKey : [routingKey],
          queue: subscription.queue || undefined,
          // As golevelup calls a handler: the parsed body, the message, its headers.
          call: (payload: unknown, message: ConsumeMessage) =>
            instance[name](payload, message, message.properties.headers),
        });
      }
    }
    this.subscriptions = subscriptions;
    this.broker.subscribe(subscriptions);
    this.bound = true;
  }
}

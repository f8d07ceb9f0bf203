import { Injectable } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import type { ConsumeMessage, MessageProperties, Options } from 'amqplib';
import type { ConfirmedPublisher } from '../../broker/confirmed-publisher';
import { topicMatches } from '../../signing/topic-pattern';

/** An `@Idempotent` handler as the broker routes to it: its subscription and how to call it. */
export interface TestSubscription {
  consumer: string;
  /** The class that declares it, so assertions can name it. */
  owner: Type;
  exchange: string;
  routingKeys: string[];
  queue?: string;
  call(payload: unknown, message: ConsumeMessage): Promise<unknown>;
}

/** One message waiting for one subscription. */
export interface TestDelivery {
  subscription: TestSubscription;
  message: ConsumeMessage;
}

/**
 * A topic exchange and its queues in memory, behind the publish the retry scheduler calls on the
 * real publisher: a message to an exchange goes to every subscription whose routing key (a topic
 * pattern) matches it, one copy per queue; a message to the default exchange (`''`) goes to the
 * queue it names, as retries are sent back to their consumer. Nothing is delivered until
 * {@link take} is asked for the next delivery.
 */
@Injectable()
export class InMemoryBroker implements Pick<ConfirmedPublisher, 'publish'> {
  private subscriptions: TestSubscription[] = [];
  private readonly queued: TestDelivery[] = [];
  private deliveryTag = 0;

  subscribe(subscriptions: TestSubscription[]): void {
    this.subscriptions = subscriptions;
  }

  async publish(exchange: string, routingKey: string, body: Buffer, options: Options.Publish): Promise<void> {
    const seen = new Set<string>();
    for (const subscription of this.subscriptions) {
      const bound =
        exchange === ''
          ? subscription.queue === routingKey
          : subscription.exchange === exchange && subscription.routingKeys.some((p) => topicMatches(p, routingKey));
      // Two handlers of one queue compete for its messages: the first one takes them here.
      if (!bound || (subscription.queue !== undefined && seen.has(subscription.queue))) continue;
      if (subscription.queue !== undefined) seen.add(subscription.queue);
      this.queued.push({ subscription, message: this.messageOf(exchange, routingKey, body, options) });
    }
  }

  /** The next delivery, first in first out, if any. */
  take(): TestDelivery | undefined {
    return this.queued.shift();
  }

  /** A consumed message as amqplib hands it to a handler: what `@Idempotent` checks for. */
  private messageOf(exchange: string, routingKey: string, body: Buffer, options: Options.Publish): ConsumeMessage {
    const properties = {
      contentType: undefined,
      contentEncoding: undefined,
      deliveryMode: options.persistent ? 2 : undefined,
      priority: undefined,
      correlationId: undefined,
      replyTo: undefined,
      expiration: undefined,
      messageId: undefined,
      timestamp: undefined,
      type: undefined,
      userId: undefined,
      appId: undefined,
      clusterId: undefined,
      ...options,
      headers: { ...options.headers },
    } as MessageProperties;
    const fields = {
      deliveryTag: ++this.deliveryTag,
      redelivered: false,
      exchange,
      routingKey,
      consumerTag: 'txmsg-test',
    };
    return { content: body, fields, properties };
  }
}

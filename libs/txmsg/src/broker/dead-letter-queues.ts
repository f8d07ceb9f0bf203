import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { Channel, MessageProperties } from 'amqplib';
import { envelopeOf } from '../envelope';
import { ConfirmedPublisher } from './confirmed-publisher';
import type { ChannelSource, DeadLetterTopology } from './dead-letter';

/** A subscribed queue and what waits in its parking queue. */
export interface DeadLetterQueue {
  queue: string;
  parkingQueue: string;
  messages: number;
}

/**
 * The broker-side parking queues of this application's subscriptions (`<queue>.parked`): what
 * RabbitMQ dead-lettered there — messages a plain handler failed on, or that the broker itself
 * rejected — listed and moved back to their queue on an operator's word. (Messages an
 * `@Idempotent` handler gave up on are parked in the database instead; see {@link FailureRecorder}.)
 */
@Injectable()
export class DeadLetterQueues {
  private readonly topologies = new Map<string, DeadLetterTopology>();

  constructor(
    private readonly amqp: AmqpConnection,
    private readonly publisher: ConfirmedPublisher,
  ) {}

  /** Records a queue whose dead letters the library routes to a parking queue. */
  register(topology: DeadLetterTopology): void {
    this.topologies.set(topology.queue, topology);
  }

  /** Whether `queue` is one of this application's queues with a parking queue (a rejected delivery lands there). */
  has(queue: string): boolean {
    return this.topologies.has(queue);
  }

  /** Every parking queue of this application with its message count. */
  async list(): Promise<DeadLetterQueue[]> {
    return this.withChannel(async (channel) => {
      const result: DeadLetterQueue[] = [];
      for (const { queue, parkingQueue } of this.topologies.values()) {
        result.push({ queue, parkingQueue, messages: (await channel.checkQueue(parkingQueue)).messageCount });
      }
      return result;
    });
  }

  /**
   * Moves up to `limit` messages from the parking queue of `queue` back to `queue`, oldest first,
   * each published with confirms before it is removed from the parking queue (a crash in between
   * leaves it in both: consumers dedupe). Returns how many were moved.
   * @throws NotFoundException when `queue` is not one of this application's subscribed queues.
   */
  async requeue(queue: string, limit: number): Promise<number> {
    const topology = this.topologies.get(queue);
    if (!topology)
      throw new NotFoundException(`${queue} is not a queue this application consumes with a parking queue`);
    return this.withChannel(async (channel) => {
      let moved = 0;
      while (moved < limit) {
        const message = await channel.get(topology.parkingQueue, { noAck: false });
        if (!message) break;
        try {
          const properties = withoutEmpty(message.properties);
          await this.publisher.publish('', queue, message.content, {
            ...properties,
            messageId: envelopeOf(message).id,
          });
        } catch (error) {
          channel.nack(message, false, true);
          throw error;
        }
        channel.ack(message);
        moved++;
      }
      return moved;
    });
  }

  private async withChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    const channel = await (this.amqp.connection as unknown as ChannelSource).createChannel();
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
}

function withoutEmpty(properties: MessageProperties): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined && value !== null));
}

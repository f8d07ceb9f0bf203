import type { AmqpConnection, RabbitHandlerConfig } from '@golevelup/nestjs-rabbitmq';
import type { Logger } from '@nestjs/common';
import {
  type ChannelSource,
  canDeclareQueue,
  deadLetterArguments,
  type DeadLetterTopology,
  deadLetterTopologyOf,
  declareDeadLetterTopology,
} from './dead-letter';
import { withDefaultArguments } from './queue-arguments';

/** The subscription to register, and the parking queue declared under it, if any. */
export interface DeadLetterSetup {
  subscription: RabbitHandlerConfig;
  registered?: DeadLetterTopology;
}

/**
 * Puts the library's dead-letter exchange under the subscription's named queue and declares its
 * parking queue. A queue whose application chose its own dead-letter exchange keeps it; a queue
 * that already exists with other arguments (declared by an earlier version) keeps them, with a
 * warning saying how to add the safety net; one of another type (classic, now that the queue type
 * is quorum) fails start-up with a sentence saying what to do.
 */
export async function withDeadLetterExchange(
  subscription: RabbitHandlerConfig & { queue: string },
  context: { exchange: string; quorum: boolean; amqp: AmqpConnection; logger: Logger },
): Promise<DeadLetterSetup> {
  const { queue } = subscription;
  const topology = deadLetterTopologyOf(context.exchange, queue);
  const queueArgs = subscription.queueOptions?.arguments ?? {};
  if (queueArgs['x-dead-letter-exchange'] !== undefined) return { subscription };
  const withDeadLetter = withDefaultArguments(
    subscription,
    deadLetterArguments(topology, queueArgs['x-queue-type'] === 'quorum'),
  );
  const connection = context.amqp.connection as unknown as ChannelSource;
  if (!(await canDeclareQueue(connection, queue, withDeadLetter.queueOptions ?? {}))) {
    if (!(await canDeclareQueue(connection, queue, subscription.queueOptions ?? {}))) {
      // Else golevelup's own declaration fails the same way, as an uncaught error that says less.
      throw new Error(
        `queue ${queue} exists with another type or other arguments than its subscription declares ` +
          `(a classic queue declared before broker.queueType was "quorum", say); RabbitMQ never changes an existing queue. ` +
          `Drain and delete it, or move its messages to a queue of the new type, then start again.`,
      );
    }
    context.logger.warn(
      `queue ${queue} exists without the library's dead-letter exchange (declared by an earlier version); ` +
        `messages the broker rejects there are not parked. Delete the queue once drained, or add a policy: ` +
        `rabbitmqctl set_policy ${queue}-dlx '^${queue}$' '{"dead-letter-exchange":"${topology.exchange}","dead-letter-routing-key":"${topology.queue}"}' --apply-to queues`,
    );
    return { subscription };
  }
  await declareDeadLetterTopology(context.amqp.channel, topology, context.quorum);
  return { subscription: withDeadLetter, registered: topology };
}

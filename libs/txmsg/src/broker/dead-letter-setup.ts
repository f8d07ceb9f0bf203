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
 * warning saying how to add the safety net.
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

import type { Channel, Options } from 'amqplib';

/**
 * The broker's own safety net under every queue the library's subscriptions declare: a message
 * RabbitMQ rejects or expires there — a plain handler that failed, a delivery limit, a TTL — is
 * dead-lettered to `<queue>.parked` through the direct exchange `<exchange>.dlx`, where it stays
 * visible and can be moved back (the admin API, or RabbitMQ's shovel). Nothing the broker drops
 * is lost silently.
 */
export interface DeadLetterTopology {
  exchange: string;
  queue: string;
  parkingQueue: string;
}

/** The dead-letter exchange and parking queue of `queue`, for the library's exchange `exchange`. */
export function deadLetterTopologyOf(exchange: string, queue: string): DeadLetterTopology {
  return { exchange: `${exchange}.dlx`, queue, parkingQueue: `${queue}.parked` };
}

/** Queue arguments that route dead letters of `topology.queue` to its parking queue. */
export function deadLetterArguments(topology: DeadLetterTopology, quorum: boolean): Record<string, unknown> {
  return {
    'x-dead-letter-exchange': topology.exchange,
    'x-dead-letter-routing-key': topology.queue,
    // Quorum queues dead-letter at least once (classic queues at most once) when publishing into
    // a full queue is refused instead of dropping its head.
    ...(quorum ? { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' } : {}),
  };
}

/** Declares the dead-letter exchange, the parking queue and its binding. */
export async function declareDeadLetterTopology(
  channel: Channel,
  topology: DeadLetterTopology,
  quorum: boolean,
): Promise<void> {
  await channel.assertExchange(topology.exchange, 'direct', { durable: true });
  await channel.assertQueue(topology.parkingQueue, {
    durable: true,
    arguments: quorum ? { 'x-queue-type': 'quorum' } : {},
  });
  await channel.bindQueue(topology.parkingQueue, topology.exchange, topology.queue);
}

/** What opens channels: amqplib's connection (its type names it differently across versions). */
export interface ChannelSource {
  createChannel(): Promise<Channel>;
}

/**
 * Whether `queue` can be declared with `options` — false when it already exists with other
 * arguments (declared by an earlier version without a dead-letter exchange, say: RabbitMQ never
 * changes the arguments of an existing queue). Declares it when it does not exist yet. Uses a
 * channel of its own, since a refused declaration closes the channel.
 */
export async function canDeclareQueue(
  connection: ChannelSource,
  queue: string,
  options: Options.AssertQueue,
): Promise<boolean> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    await channel.assertQueue(queue, options);
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 406) return false;
    throw error;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

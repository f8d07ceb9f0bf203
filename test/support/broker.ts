import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { rabbitmqctl } from './rabbitmqctl';

/**
 * Publishes `payload` `times` times straight to the library's exchange, each a new message (new
 * message id), as a duplicate, a replay or a rogue producer would. Waits for the broker's confirms.
 */
export async function publishRaw(url: string, routingKey: string, payload: unknown, times = 1): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    for (let i = 0; i < times; i++) {
      channel.publish('txmsg.events', routingKey, Buffer.from(JSON.stringify(payload)), {
        persistent: true,
        contentType: 'application/json',
        messageId: randomUUID(),
        type: routingKey,
        appId: 'e2e-replay',
      });
    }
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** Messages in a queue, ready or delivered but not yet acknowledged. */
export async function queueDepth(vhost: string, queue: string): Promise<number> {
  const output = await rabbitmqctl('-q', 'list_queues', '-p', vhost, 'name', 'messages');
  const line = output.split('\n').find((l) => l.split('\t')[0] === queue);
  if (!line) throw new Error(`queue ${queue} not found in vhost ${vhost}`);
  return Number(line.split('\t')[1]);
}

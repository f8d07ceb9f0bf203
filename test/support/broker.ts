import { BrokerTestClient, DEFAULT_EVENTS_EXCHANGE } from '@txmsg/nestjs/testing';
import { randomUUID } from 'node:crypto';
import { rabbitmqctl } from './rabbitmqctl';
import { TEST_PRODUCER_KEY } from './message-keys';

/**
 * Publishes `payload` `times` times straight to the library's exchange, each a new message (new
 * message id), as a duplicate, a replay or a rogue producer would. Waits for the broker's confirms.
 */
export async function publishRaw(url: string, routingKey: string, payload: unknown, times = 1): Promise<void> {
  const broker = await BrokerTestClient.open(url, { signWith: TEST_PRODUCER_KEY });
  try {
    const message = () => ({
      body: JSON.stringify(payload),
      options: { contentType: 'application/json', messageId: randomUUID(), type: routingKey, appId: 'e2e-replay' },
    });
    await broker.publishMany(DEFAULT_EVENTS_EXCHANGE, routingKey, Array.from({ length: times }, message));
  } finally {
    await broker.close();
  }
}

/** Messages in a queue, ready or delivered but not yet acknowledged. */
export async function queueDepth(vhost: string, queue: string): Promise<number> {
  const output = await rabbitmqctl('-q', 'list_queues', '-p', vhost, 'name', 'messages');
  const line = output.split('\n').find((l) => l.split('\t')[0] === queue);
  if (!line) throw new Error(`queue ${queue} not found in vhost ${vhost}`);
  return Number(line.split('\t')[1]);
}

import { BrokerTestClient, DEFAULT_EVENTS_EXCHANGE } from '@txmsg/nestjs/testing';
import { TEST_PRODUCER_KEY } from '../../support/message-keys';

/** Publishes raw messages straight to the broker of a vhost (replays, duplicates, poison). */
export async function publishRaw(
  uri: string,
  messages: { routingKey: string; body: Buffer | string; messageId?: string }[],
  exchange = DEFAULT_EVENTS_EXCHANGE,
): Promise<void> {
  const broker = await BrokerTestClient.open(uri, { signWith: TEST_PRODUCER_KEY });
  try {
    // Every publish goes out before the first confirm is awaited, as one batch.
    await Promise.all(
      messages.map((m) =>
        broker.publish(exchange, m.routingKey, m.body, { messageId: m.messageId, contentType: 'application/json' }),
      ),
    );
  } finally {
    await broker.close();
  }
}

/**
 * Messages of a queue waiting for a consumer (not those delivered and unacknowledged), read with a
 * passive declare: cheap enough to poll while a backlog drains, unlike `rabbitmqctl`.
 */
export async function readyMessages(uri: string, queue: string): Promise<number> {
  const broker = await BrokerTestClient.open(uri, { signWith: TEST_PRODUCER_KEY });
  try {
    return await broker.queueDepth(queue);
  } finally {
    await broker.close();
  }
}

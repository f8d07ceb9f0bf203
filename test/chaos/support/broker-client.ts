import { connect } from 'amqplib';

/** Publishes raw messages straight to the broker of a vhost (replays, duplicates, poison). */
export async function publishRaw(
  uri: string,
  messages: { routingKey: string; body: Buffer | string; messageId?: string }[],
  exchange = 'txmsg.events',
): Promise<void> {
  const connection = await connect(uri);
  try {
    const channel = await connection.createConfirmChannel();
    for (const m of messages) {
      channel.publish(exchange, m.routingKey, Buffer.isBuffer(m.body) ? m.body : Buffer.from(m.body), {
        persistent: true,
        messageId: m.messageId,
        contentType: 'application/json',
      });
    }
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/**
 * Messages of a queue waiting for a consumer (not those delivered and unacknowledged), read with a
 * passive declare: cheap enough to poll while a backlog drains, unlike `rabbitmqctl`.
 */
export async function readyMessages(uri: string, queue: string): Promise<number> {
  const connection = await connect(uri);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

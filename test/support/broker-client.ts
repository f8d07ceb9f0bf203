import { type ChannelModel, type ConfirmChannel, connect, type Options } from 'amqplib';
import { rabbitmqctl } from './rabbitmqctl';

/** The library's topic exchange, where every integration event is published. */
export const EVENTS_EXCHANGE = 'txmsg.events';

/**
 * A raw AMQP client for tests: publishes bytes straight to the broker (duplicates, replays,
 * poison) with confirms, the way a misbehaving producer or a redelivery would.
 */
export class BrokerClient {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  static async open(uri: string): Promise<BrokerClient> {
    const connection = await connect(uri);
    return new BrokerClient(connection, await connection.createConfirmChannel());
  }

  /** Publishes one persistent message and waits for the broker's confirm. */
  async publish(routingKey: string, body: Buffer | string | object, options: Options.Publish = {}): Promise<void> {
    const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    this.channel.publish(EVENTS_EXCHANGE, routingKey, content, {
      persistent: true,
      contentType: 'application/json',
      ...options,
    });
    await this.channel.waitForConfirms();
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/** Messages in a queue, ready or delivered and not yet acknowledged: 0 means every copy was handled. */
export async function queueBacklog(vhost: string, queue: string): Promise<number> {
  const out = await rabbitmqctl('list_queues', '-q', '-p', vhost, 'name', 'messages_ready', 'messages_unacknowledged');
  const line = out.split('\n').find((l) => l.split('\t')[0] === queue);
  if (!line) throw new Error(`queue ${queue} not found in vhost ${vhost}`);
  const [, ready, unacked] = line.split('\t');
  return Number(ready) + Number(unacked);
}

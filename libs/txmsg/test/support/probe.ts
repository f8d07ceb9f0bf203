import { connect, type Channel, type ChannelModel, type ConsumeMessage, type Options } from 'amqplib';

/**
 * A raw AMQP client for tests: binds its own queue to watch what is published, and publishes
 * raw bytes (duplicates, replays, poison) straight to the broker.
 */
export class BrokerProbe {
  readonly received: ConsumeMessage[] = [];
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async open(uri: string): Promise<BrokerProbe> {
    const connection = await connect(uri);
    const channel = await connection.createConfirmChannel();
    return new BrokerProbe(connection, channel);
  }

  /** Collects every message routed to `exchange` with `pattern` into {@link received}. */
  async watch(exchange: string, pattern = '#'): Promise<void> {
    await this.channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await this.channel.assertQueue('', { exclusive: true });
    await this.channel.bindQueue(queue, exchange, pattern);
    await this.channel.consume(queue, (message) => message && this.received.push(message), { noAck: true });
  }

  /**
   * Binds a queue that refuses every message (`x-max-length: 0`, `reject-publish`), so the broker
   * nacks a publish routed only to it. Returns what removes it again.
   */
  async rejectAll(exchange: string, pattern = '#'): Promise<() => Promise<void>> {
    await this.channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await this.channel.assertQueue('', {
      exclusive: true,
      arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' },
    });
    await this.channel.bindQueue(queue, exchange, pattern);
    return () => this.channel.deleteQueue(queue).then(() => undefined);
  }

  /** Payloads received so far, parsed. */
  payloads<T = any>(): T[] {
    return this.received.map((m) => JSON.parse(m.content.toString()));
  }

  async publish(exchange: string, routingKey: string, body: Buffer | string | object, options: Options.Publish = {}) {
    const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    this.channel.publish(exchange, routingKey, content, { persistent: true, ...options });
    await (this.channel as unknown as { waitForConfirms(): Promise<void> }).waitForConfirms();
  }

  /** Publishes many messages, then waits once for all their confirms. */
  async publishMany(exchange: string, routingKey: string, messages: Array<{ body: object; options: Options.Publish }>) {
    for (const { body, options } of messages) {
      this.channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(body)), { persistent: true, ...options });
    }
    await (this.channel as unknown as { waitForConfirms(): Promise<void> }).waitForConfirms();
  }

  /** Declares a queue as an application (or an earlier version of the library) would. */
  async declareQueue(queue: string, options: Options.AssertQueue): Promise<void> {
    await this.channel.assertQueue(queue, options);
  }

  async queueDepth(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

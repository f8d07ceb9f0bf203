import { connect, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { signInto } from '../signing/message-signature';
import { signedOrderingOf } from '../ordering/ordering-headers';

/** A key {@link BrokerTestClient} signs with, as a trusted producer would (`messages.signing`). */
export interface TestSigningKey {
  keyId: string;
  secret: string;
}

/** Options of one publish of {@link BrokerTestClient}. */
export interface TestPublishOptions extends Options.Publish {
  /** Sign with this key instead of the client's own, or (`false`) leave the message unsigned. */
  signWith?: TestSigningKey | false;
}

/** The library's default topic exchange, where integration events are published. */
export const DEFAULT_EVENTS_EXCHANGE = 'txmsg.events';

/** A message body: bytes as they are, a string as UTF-8, anything else as JSON. */
export type RawBody = Buffer | string | object;

/**
 * A raw AMQP client for tests, beside the application under test: it publishes bytes straight to
 * the broker with publisher confirms (a replayed duplicate, a poison message, a rogue producer)
 * and watches what the application publishes. Needs `amqplib` (a dependency of
 * `@golevelup/nestjs-rabbitmq`, so already installed where the library is used).
 *
 * @example
 * ```ts
 * const broker = await BrokerTestClient.open(uri);
 * await broker.watch('txmsg.events', 'orders.#');
 * // ... act, then replay the first message verbatim: the consumer must apply it once
 * const [first] = await waitFor(() => broker.received.length > 0 && broker.received);
 * await broker.replay(first);
 * await broker.close();
 * ```
 */
export class BrokerTestClient {
  /** Every message the {@link watch}ed bindings received, in order. */
  readonly received: ConsumeMessage[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
    private readonly signingKey: TestSigningKey | undefined,
  ) {}

  /**
   * Connects to `uri` (an `amqp://` URL, vhost included) and opens a confirm channel. With
   * `signWith`, every publish is signed with that key, as a producer with `messages.signing`
   * signs (a message id is then given when none is).
   */
  static async open(uri: string, options: { signWith?: TestSigningKey } = {}): Promise<BrokerTestClient> {
    const connection = await connect(uri);
    return new BrokerTestClient(connection, await connection.createConfirmChannel(), options.signWith);
  }

  /** Publishes one persistent message and waits for the broker's confirm. */
  async publish(exchange: string, routingKey: string, body: RawBody, options: TestPublishOptions = {}): Promise<void> {
    this.send(exchange, routingKey, toBuffer(body), options);
    await this.channel.waitForConfirms();
  }

  /** Publishes many persistent messages, then waits once for all their confirms. */
  async publishMany(
    exchange: string,
    routingKey: string,
    messages: Array<{ body: RawBody; options?: TestPublishOptions }>,
  ): Promise<void> {
    for (const { body, options } of messages) this.send(exchange, routingKey, toBuffer(body), options ?? {});
    await this.channel.waitForConfirms();
  }

  private send(exchange: string, routingKey: string, body: Buffer, { signWith, ...options }: TestPublishOptions): void {
    const key = signWith === undefined ? this.signingKey : signWith || undefined;
    const publishing: Options.Publish = { persistent: true, ...options, headers: { ...options.headers } };
    if (key) {
      publishing.messageId ??= randomUUID();
      const time = Number(publishing.headers!['x-txmsg-time'] ?? Date.now());
      const ordering = signedOrderingOf(publishing.headers!, publishing.appId);
      signInto(publishing.headers!, key, { routingKey, messageId: publishing.messageId, time, body, ordering });
    }
    this.channel.publish(exchange, routingKey, body, publishing);
  }

  /**
   * Publishes a received message again, byte for byte with the same properties and headers (so
   * the same message id), to the exchange and routing key it came with: a redelivery or a replay.
   */
  async replay(message: ConsumeMessage): Promise<void> {
    const { exchange, routingKey } = message.fields;
    const { headers, ...properties } = message.properties;
    const options = Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined));
    await this.publish(exchange, routingKey, message.content, { ...options, headers, signWith: false });
  }

  /** Collects every message routed to `exchange` with `pattern` into {@link received}. */
  async watch(exchange: string = DEFAULT_EVENTS_EXCHANGE, pattern = '#'): Promise<void> {
    await this.channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await this.channel.assertQueue('', { exclusive: true });
    await this.channel.bindQueue(queue, exchange, pattern);
    await this.channel.consume(queue, (message) => message && this.received.push(message), { noAck: true });
  }

  /** The {@link received} bodies, parsed as JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped by default, as JSON.parse
  payloads<T = any>(): T[] {
    return this.received.map((m) => JSON.parse(m.content.toString()) as T);
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

  /** Declares a queue as an application (or an earlier version of it) would. */
  async declareQueue(queue: string, options: Options.AssertQueue): Promise<void> {
    await this.channel.assertQueue(queue, options);
  }

  /** Binds `queue` to `exchange` with `pattern`, e.g. to make an application's messages routable. */
  async bindQueue(queue: string, exchange: string, pattern: string): Promise<void> {
    await this.channel.bindQueue(queue, exchange, pattern);
  }

  /**
   * Messages of a queue waiting for a consumer (not those delivered and unacknowledged), read
   * with a passive declare: cheap enough to poll.
   */
  async queueDepth(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  /** Closes the connection; closing twice, or after the broker went away, is no error. */
  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

function toBuffer(body: RawBody): Buffer {
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
}

import {
  BrokerTestClient,
  DEFAULT_EVENTS_EXCHANGE,
  type RawBody,
  type TestPublishOptions,
} from '@txmsg/nestjs/testing';
import { TEST_PRODUCER_KEY } from './message-keys';
import { rabbitmqctl } from './rabbitmqctl';

/** The library's topic exchange, where every integration event is published. */
export const EVENTS_EXCHANGE = DEFAULT_EVENTS_EXCHANGE;

/**
 * The raw AMQP client of the tests (`BrokerTestClient`), aimed at the services' exchange: publishes
 * JSON bytes straight to the broker (duplicates, replays, poison) with confirms, the way a
 * misbehaving producer or a redelivery would. It signs as a producer every service trusts
 * ({@link TEST_PRODUCER_KEY}); a forgery passes `signWith: false` or an untrusted key.
 */
export class BrokerClient {
  private constructor(private readonly client: BrokerTestClient) {}

  static async open(uri: string): Promise<BrokerClient> {
    return new BrokerClient(await BrokerTestClient.open(uri, { signWith: TEST_PRODUCER_KEY }));
  }

  /** Publishes one persistent message and waits for the broker's confirm. */
  async publish(routingKey: string, body: RawBody, options: TestPublishOptions = {}): Promise<void> {
    await this.client.publish(EVENTS_EXCHANGE, routingKey, body, { contentType: 'application/json', ...options });
  }

  async close(): Promise<void> {
    await this.client.close();
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

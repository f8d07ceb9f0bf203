import { MessageHandlerErrorBehavior, type RabbitMQConfig } from '@golevelup/nestjs-rabbitmq';
import { NO_HOST_HANDLERS, TXMSG_CONNECTION, TXMSG_HANDLERS } from '../broker/txmsg-connection';
import { jsonDeserializer } from '../consumer/json-deserializer';
import type { ResolvedTxMsgOptions } from '../txmsg.options';

/**
 * golevelup's RabbitMQModule on `broker.uri`, with the library's topic exchange declared and a
 * deserialiser that never throws and never parses past the message limits.
 *
 * The connection has a name of its own, so a host's `RabbitMQModule.forRoot` (connection
 * `default`) keeps its connection: golevelup keeps connections by name, and a second `default`
 * would replace the first, left open and unused. golevelup registers a subscription that names no
 * connection on every connection; the library's subscriptions name this one (see
 * {@link SubscriptionSetup}), and when the host has a RabbitMQModule of its own
 * (`hostHasRabbitMQ`) the host's subscriptions are kept off this one, which then registers only
 * the handlers that name {@link TXMSG_HANDLERS}.
 */
export function brokerConfig(options: ResolvedTxMsgOptions, hostHasRabbitMQ = false): RabbitMQConfig {
  return {
    name: TXMSG_CONNECTION,
    handlers: { [TXMSG_HANDLERS]: {} },
    ...(hostHasRabbitMQ ? { defaultHandler: NO_HOST_HANDLERS } : {}),
    uri: options.broker.uri,
    exchanges: [{ name: options.broker.exchange, type: 'topic', options: { durable: true } }],
    prefetchCount: options.broker.prefetch,
    defaultSubscribeErrorBehavior: MessageHandlerErrorBehavior.NACK,
    deserializer: jsonDeserializer(options.messages),
    connectionInitOptions: { wait: true, timeout: options.broker.connectTimeoutMs, reject: true },
    connectionManagerOptions: {
      heartbeatIntervalInSeconds: 5,
      reconnectTimeInSeconds: 1,
      // amqplib leaves Nagle's algorithm on: small frames (a publish, an ack) then wait for the
      // peer's delayed ACK, up to ~40 ms, which was most of the commit-to-delivery latency.
      connectionOptions: { noDelay: true },
    },
    enableControllerDiscovery: true,
  };
}

import { MessageHandlerErrorBehavior, type RabbitMQConfig } from '@golevelup/nestjs-rabbitmq';
import { jsonDeserializer } from '../consumer/json-deserializer';
import type { ResolvedTxMsgOptions } from '../txmsg.options';

/**
 * golevelup's RabbitMQModule on `broker.uri`, with the library's topic exchange declared and a
 * deserialiser that never throws and never parses past the message limits.
 */
export function brokerConfig(options: ResolvedTxMsgOptions): RabbitMQConfig {
  return {
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

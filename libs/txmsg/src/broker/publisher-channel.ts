import type { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import type { Logger } from '@nestjs/common';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';

/**
 * Opens the publisher's own confirm channel (re-created on every reconnection), declaring the
 * exchange first — publishing to a missing exchange would close the whole connection — and
 * passing every message the broker returns (unroutable) to `onReturn`.
 */
export function openPublisherChannel(
  amqp: AmqpConnection,
  exchange: string,
  publishTimeoutMs: number,
  onReturn: (message: ConsumeMessage) => void,
  logger: Logger,
): ChannelWrapper {
  const channel = amqp.managedConnection.createChannel({
    name: 'txmsg-publisher',
    confirm: true,
    publishTimeout: publishTimeoutMs,
    setup: async (confirmChannel: ConfirmChannel) => {
      await confirmChannel.assertExchange(exchange, 'topic', { durable: true });
      confirmChannel.on('return', onReturn);
    },
  });
  channel.on('error', (error: Error) => logger.warn(`publisher channel error: ${error.message}`));
  return channel;
}

import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';

/** The broker confirmed the message but no queue was bound to receive it. */
export class UnroutableMessageError extends Error {
  override readonly name = 'UnroutableMessageError';
}

/**
 * Publishes on a dedicated confirm channel with `mandatory`, so a message counts as sent only
 * when the broker has confirmed it AND routed it to at least one queue (a returned message
 * precedes its confirm on the channel). Every publish has a timeout; an unconfirmed message is
 * the caller's to publish again.
 */
@Injectable()
export class ConfirmedPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(ConfirmedPublisher.name);
  private readonly returned = new Set<string>();
  private channel?: ChannelWrapper;

  constructor(
    private readonly amqp: AmqpConnection,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /**
   * Publishes one persistent message and resolves once the broker confirmed and routed it.
   * @throws UnroutableMessageError when no queue is bound for it; a timeout or nack error otherwise.
   */
  async publish(exchange: string, routingKey: string, body: Buffer, options: Options.Publish): Promise<void> {
    const id = options.messageId;
    if (!id) throw new Error('ConfirmedPublisher needs a messageId to match returns to confirms');
    await this.getChannel().publish(exchange, routingKey, body, {
      ...options,
      persistent: true,
      mandatory: true,
      timeout: this.options.relay.publishTimeoutMs,
    } as Options.Publish);
    if (this.returned.delete(id)) {
      throw new UnroutableMessageError(`no queue is bound to ${exchange || '(default exchange)'} for "${routingKey}"`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
  }

  private getChannel(): ChannelWrapper {
    if (this.channel) return this.channel;
    const exchange = this.options.broker.exchange;
    this.channel = this.amqp.managedConnection.createChannel({
      name: 'txmsg-publisher',
      confirm: true,
      publishTimeout: this.options.relay.publishTimeoutMs,
      setup: async (channel: ConfirmChannel) => {
        // Declared here too: publishing to a missing exchange would close the whole connection.
        await channel.assertExchange(exchange, 'topic', { durable: true });
        channel.on('return', (message: ConsumeMessage) => {
          if (message.properties.messageId) this.returned.add(message.properties.messageId);
        });
      },
    });
    this.channel.on('error', (error: Error) => this.logger.warn(`publisher channel error: ${error.message}`));
    return this.channel;
  }
}

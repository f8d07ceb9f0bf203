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
 * Header carrying a token unique to one publish call. A returned message names no delivery tag,
 * and the same message id is published again on every retry, so only a token of the attempt
 * itself tells which publish a late return belongs to.
 */
export const PUBLISH_TOKEN_HEADER = 'x-txmsg-publish';

/**
 * Publishes on a dedicated confirm channel with `mandatory`, so a message counts as sent only
 * when the broker has confirmed it AND routed it to at least one queue (a returned message
 * precedes its confirm on the channel). Every publish has a timeout; an unconfirmed message
 * (timed out or nacked) is the caller's to publish again.
 */
@Injectable()
export class ConfirmedPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(ConfirmedPublisher.name);
  /**
   * Publishes in flight, by token: `true` once the broker returned that publish. An entry lives
   * exactly as long as its publish call, so a return that comes after its publish gave up (timed
   * out, nacked) finds nothing and cannot mark a later publish of the same message.
   */
  private readonly inFlight = new Map<string, boolean>();
  private sequence = 0;
  private channel?: ChannelWrapper;
  /** The last publish that ended failed for want of the broker (timed out, nacked, channel lost). */
  private failing = false;

  constructor(
    private readonly amqp: AmqpConnection,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /**
   * Publishes one persistent message and resolves once the broker confirmed and routed it.
   * Not transactional: call it outside any database transaction, or inside one that is ready to
   * keep the row if this throws.
   * @throws UnroutableMessageError when no queue is bound for it; a timeout or nack error otherwise.
   */
  async publish(exchange: string, routingKey: string, body: Buffer, options: Options.Publish): Promise<void> {
    if (!options.messageId) throw new Error('ConfirmedPublisher needs a messageId to match returns to confirms');
    const token = String(++this.sequence);
    this.inFlight.set(token, false);
    try {
      await this.getChannel()
        .publish(exchange, routingKey, body, {
          ...options,
          headers: { ...options.headers, [PUBLISH_TOKEN_HEADER]: token },
          persistent: true,
          mandatory: true,
          timeout: this.options.relay.publishTimeoutMs,
        } as Options.Publish)
        .catch((error: unknown) => {
          this.failing = true;
          throw error;
        });
      this.failing = false;
      if (this.inFlight.get(token)) {
        throw new UnroutableMessageError(
          `no queue is bound to ${exchange || '(default exchange)'} for "${routingKey}"`,
        );
      }
    } finally {
      this.inFlight.delete(token);
    }
  }

  /** Whether the connection to the broker is up (it may still be unable to confirm, see {@link reachable}). */
  get connected(): boolean {
    return this.amqp.managedConnection?.isConnected() === true;
  }

  /**
   * Whether a publish can be expected to go through now: the connection is up and the last publish
   * did not fail for want of the broker. Once one failed, only a publish that succeeds (a relay's
   * probe) makes this true again, so callers that can leave their message for later stop queueing
   * publishes that would each wait out the confirm timeout.
   */
  get reachable(): boolean {
    return this.connected && !this.failing;
  }

  /** Publishes awaiting their confirm right now (diagnostics, and proof that none is leaked). */
  get pending(): number {
    return this.inFlight.size;
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
          const token = message.properties.headers?.[PUBLISH_TOKEN_HEADER];
          if (typeof token === 'string' && this.inFlight.has(token)) this.inFlight.set(token, true);
        });
      },
    });
    this.channel.on('error', (error: Error) => this.logger.warn(`publisher channel error: ${error.message}`));
    return this.channel;
  }
}

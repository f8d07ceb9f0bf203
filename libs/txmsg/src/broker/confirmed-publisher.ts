import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConsumeMessage, Options } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { openPublisherChannel } from './publisher-channel';
import { PUBLISH_TOKEN_HEADER, ReturnedPublishes } from './returned-publishes';
import { UnroutableMessageError } from './unroutable-message.error';

export { PUBLISH_TOKEN_HEADER } from './returned-publishes';
export { UnroutableMessageError } from './unroutable-message.error';

/**
 * Publishes on a dedicated confirm channel with `mandatory`, so a message counts as sent only
 * when the broker has confirmed it AND routed it to at least one queue (a returned message
 * precedes its confirm on the channel). Every publish has a timeout; an unconfirmed message
 * (timed out or nacked) is the caller's to publish again.
 */
@Injectable()
export class ConfirmedPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(ConfirmedPublisher.name);
  private readonly returns = new ReturnedPublishes();
  private channel?: ChannelWrapper;
  /** The last publish that ended failed for want of the broker (timed out, nacked, channel lost). */
  private failing = false;

  constructor(
    private readonly amqp: AmqpConnection,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /**
   * Publishes one persistent message and resolves once the broker confirmed and routed it. Not
   * transactional: call it outside any transaction, or in one ready to keep the row if this throws.
   * @throws UnroutableMessageError when no queue is bound for it; a timeout or nack error otherwise.
   */
  async publish(exchange: string, routingKey: string, body: Buffer, options: Options.Publish): Promise<void> {
    await this.publishOwned(exchange, routingKey, body, { ...options, headers: { ...options.headers } });
  }

  /**
   * Internal: {@link publish} for a caller that hands over `options` and its `headers`, built for this one
   * call and never used again: they are completed in place (publish token, persistent, mandatory,
   * timeout) instead of copied, which saves two objects per message on the outbox's hot path.
   */
  async publishOwned(exchange: string, routingKey: string, body: Buffer, options: Options.Publish): Promise<void> {
    if (!options.messageId) throw new Error('ConfirmedPublisher needs a messageId to match returns to confirms');
    const token = this.returns.begin();
    try {
      const publishing = options as Options.Publish & { timeout: number };
      publishing.headers ??= {};
      publishing.headers[PUBLISH_TOKEN_HEADER] = token;
      publishing.persistent = true;
      publishing.mandatory = true;
      publishing.timeout = this.options.relay.publishTimeoutMs;
      await this.getChannel()
        .publish(exchange, routingKey, body, publishing)
        .catch((error: unknown) => {
          this.failing = true;
          throw error;
        });
      this.failing = false;
      if (this.returns.wasReturned(token)) {
        throw new UnroutableMessageError(
          `no queue is bound to ${exchange || '(default exchange)'} for "${routingKey}"`,
        );
      }
    } finally {
      this.returns.end(token);
    }
  }

  /** Whether the connection to the broker is up (publishes may still fail: {@link reachable}). */
  get connected(): boolean {
    return this.amqp.managedConnection?.isConnected() === true;
  }

  /**
   * Whether a publish can be expected to go through: connected, and the last publish did not fail
   * for want of the broker. After a failure only a reconnection or a publish that succeeds (a
   * relay's probe) makes it true again, so callers that can leave a message for later stop
   * waiting out timeouts.
   */
  get reachable(): boolean {
    return this.connected && !this.failing;
  }

  /** Publishes awaiting their confirm right now (diagnostics, and proof that none is leaked). */
  get pending(): number {
    return this.returns.size;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
  }

  private getChannel(): ChannelWrapper {
    if (this.channel) return this.channel;
    const { broker, relay } = this.options;
    const onReturn = (message: ConsumeMessage) => this.returns.returned(message);
    this.channel = openPublisherChannel(this.amqp, broker.exchange, relay.publishTimeoutMs, onReturn, this.logger);
    // A fresh connection is worth a try: callers need not wait for a probe to succeed first.
    this.amqp.managedConnection.on('connect', () => (this.failing = false));
    return this.channel;
  }
}

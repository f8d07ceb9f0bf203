import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { ConsumerRuntime } from './consumer-runtime';

/**
 * The first step of shutting down, and the only one that touches consumers: stop taking
 * deliveries, then let those in flight finish. It runs in `onModuleDestroy`, before anything a
 * handler needs is torn down: the library's workers stop in `beforeApplicationShutdown`, the
 * broker connection and the DataSource close in `onApplicationShutdown`.
 *
 * 1. Every consumer of the application is cancelled, so the broker sends nothing more here and
 *    gives what is queued to the other instances.
 * 2. Deliveries that were already on their way are handed back to the queue untouched; handlers
 *    in flight finish, commit and are acknowledged — for at most `consumer.drainTimeoutMs`.
 * 3. Whatever is still running then is let go of: it goes back to the queue, and the dedup row
 *    makes a second run harmless (see {@link ConsumerRuntime.drain}); the shutdown goes on.
 */
@Injectable()
export class ConsumerShutdown implements OnModuleDestroy {
  private readonly logger = new Logger(ConsumerShutdown.name);

  constructor(
    private readonly amqp: AmqpConnection,
    private readonly runtime: ConsumerRuntime,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  async onModuleDestroy(): Promise<void> {
    const { drainTimeoutMs } = this.options.consumer;
    await this.cancelConsumers(drainTimeoutMs);
    const left = await this.runtime.drain(drainTimeoutMs);
    if (left > 0) {
      this.logger.warn(
        `${left} deliveries still in flight after ${drainTimeoutMs} ms; handed back to the queue, shutting down`,
      );
    }
  }

  private async cancelConsumers(timeoutMs: number): Promise<void> {
    const channels = Object.values(this.amqp.managedChannels);
    const cancelled = Promise.allSettled(channels.map((channel) => channel.cancelAll()));
    let timer: NodeJS.Timeout | undefined;
    // A broker that does not answer (it is down, the link is cut) has no deliveries to send either.
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([cancelled, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout')
      this.logger.warn(`the broker did not confirm the consumers' cancellation within ${timeoutMs} ms`);
  }
}

import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfirmedPublisher } from '../broker/confirmed-publisher';
import { sendBack } from '../consumer/retry-dispatch';
import { OrderingStore } from '../store/ordering-store';
import { PeriodicWorker } from '../support/periodic-worker';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';

/** Most held messages leased, and sent at once, per round. */
const BATCH = 50;

/**
 * Sends each held message whose turn has come (its predecessor applied or skipped, or the wait
 * for a predecessor never seen run out) back to its consumer's queue, through the default
 * exchange, as received, with confirms; the consumer then applies it or holds it again.
 *
 * Never publishes inside a transaction: a round leases due rows (`next_attempt_at` moved past
 * the publish timeout, so another instance leaves them alone), publishes with no lock held, then
 * marks the sent ones as waiting for their consumer — unless the consumer has meanwhile written
 * the row (its `version` moved on). A lease that runs out (the process died) sends again; the
 * consumer dedupes. Woken in-process right after a commit that made a message due.
 */
@Injectable()
export class HeldSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HeldSender.name);
  private readonly worker: PeriodicWorker;

  constructor(
    private readonly store: OrderingStore,
    private readonly publisher: ConfirmedPublisher,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.worker = new PeriodicWorker(
      this.logger,
      options.retry.scanIntervalMs,
      async () => (await this.sendDue()) >= BATCH,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Look for due held messages now. */
  wake(): void {
    this.worker.wake();
  }

  /** Sends every due held message once; returns how many were leased. */
  async sendDue(): Promise<number> {
    const rows = await this.store.leaseDue(BATCH, this.options.relay.publishTimeoutMs + 1000);
    // As received: no attempt or redelivered mark, it was never handled.
    const results = await Promise.allSettled(rows.map((row) => sendBack(this.publisher, row)));
    await this.store.markSent(rows.filter((_, i) => results[i].status === 'fulfilled'));
    const unsent = results.filter((result) => result.status === 'rejected').length;
    if (unsent > 0)
      this.logger.warn(`${unsent} held message(s) not sent back to their queue; sent again once their lease runs out`);
    return rows.length;
  }
}

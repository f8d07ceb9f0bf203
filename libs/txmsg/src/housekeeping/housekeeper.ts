import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DedupStore } from '../store/dedup-store';
import { FailureStore } from '../store/failure-store';
import { NotificationStore } from '../store/notification-store';
import { OutboxStore } from '../store/outbox-store';
import { PeriodicWorker } from '../support/periodic-worker';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import type { PurgeCounts } from './purge-counts';

export type { PurgeCounts } from './purge-counts';

/**
 * Purges what is no longer needed, and sends back retries that never came back.
 *
 * Purges published or discarded outbox rows, dedup rows, and delivered or failed notifications
 * with their attempts, once older than the retention, in small batches (one unbounded DELETE
 * would escalate locks and stall business transactions). The retention is validated to exceed
 * the whole retry ladder, so a late redelivery still finds its dedup row.
 *
 * Turns retries DISPATCHED to their queue longer than `redispatchAfterMs` ago back to WAITING: a
 * handled retry deletes its row and a failed one reschedules it, so a row still DISPATCHED means
 * the message never arrived (its queue was purged or deleted, the broker lost it). The retry
 * scheduler then sends it again; should the first copy turn up after all, its dedup row makes
 * the second harmless.
 */
@Injectable()
export class Housekeeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Housekeeper.name);
  private readonly worker: PeriodicWorker;

  constructor(
    private readonly outbox: OutboxStore,
    private readonly notifications: NotificationStore,
    private readonly dedup: DedupStore,
    private readonly failures: FailureStore,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.worker = new PeriodicWorker(this.logger, options.housekeeping.intervalMs, async () => {
      await this.redispatchStale();
      await this.purgeOnce();
      return false;
    });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /**
   * Purges everything past retention, batch by batch, each batch in a transaction of its own;
   * returns the rows deleted per table.
   */
  async purgeOnce(): Promise<PurgeCounts> {
    const outbox = await this.untilShort((batch) =>
      this.outbox.purgeFinished(this.options.housekeeping.retentionMs, batch),
    );
    const dedup = await this.untilShort((batch) =>
      this.dedup.purgeOlderThan(this.options.housekeeping.retentionMs, batch),
    );
    const { batchSize } = this.options.housekeeping;
    const { notifications, notificationAttempts } = await this.notifications.purgeFinished(
      this.options.housekeeping.retentionMs,
      batchSize,
    );
    if (outbox + dedup + notifications > 0) {
      this.logger.log(
        `purged ${outbox} outbox rows, ${dedup} dedup rows and ${notifications} notifications (${notificationAttempts} attempts)`,
      );
    }
    return { outbox, dedup, notifications, notificationAttempts };
  }

  /** Turns retries dispatched longer than `redispatchAfterMs` ago back to WAITING; returns how many. */
  async redispatchStale(): Promise<number> {
    const total = await this.untilShort((batch) =>
      this.failures.redispatchStale(this.options.housekeeping.redispatchAfterMs, batch),
    );
    if (total > 0) {
      this.logger.warn(
        `${total} retries sent to their queue over ${this.options.housekeeping.redispatchAfterMs} ms ago never came back; sending them again`,
      );
    }
    return total;
  }

  /**
   * Runs a bounded change (`batch` rows at most, its own autocommit statement) until it changes
   * fewer than a batch, so no statement holds many row locks; returns the rows changed in all.
   */
  private async untilShort(change: (batch: number) => Promise<number>): Promise<number> {
    const { batchSize } = this.options.housekeeping;
    let total = 0;
    for (;;) {
      const changed = await change(batchSize);
      total += changed;
      if (changed < batchSize) return total;
    }
  }
}

import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfirmedPublisher } from '../broker/confirmed-publisher';
import { FailureStore } from '../store/failure-store';
import { PeriodicWorker } from '../support/periodic-worker';
import { errorText } from '../support/error-text';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { sendRetry } from './retry-dispatch';

/** Most retries leased, and sent at once, per round. */
const BATCH = 50;

/** How long a retry that could not be sent waits before it is tried again. */
const UNSENT_RETRY_MS = 5000;

/**
 * Sends each failed message whose rung of the ladder has come back to its consumer's queue
 * (through the default exchange, so only that consumer gets it), with confirms.
 *
 * Transaction contract: never publishes inside a transaction. A round leases up to 50 due
 * WAITING rows in one short transaction (`FOR UPDATE SKIP LOCKED`, `next_attempt_at` moved past
 * the publish timeout, COMMIT), so several instances share the work; publishes them in parallel
 * with no transaction or lock held; then records the outcomes with conditional updates: one UPDATE
 * marks every sent row DISPATCHED, a failed one is due again in 5 s. Each update only touches a
 * row still WAITING with the attempt count it was leased with: a retry that has meanwhile come
 * back and failed again (a new rung scheduled) or succeeded (row gone) is not overwritten. A lease
 * that runs out (the process died) sends the retry again; consumers dedupe.
 */
@Injectable()
export class RetryScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetryScheduler.name);
  private readonly worker: PeriodicWorker;

  constructor(
    private readonly store: FailureStore,
    private readonly publisher: ConfirmedPublisher,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.worker = new PeriodicWorker(
      this.logger,
      options.retry.scanIntervalMs,
      async () => (await this.dispatchDue()) >= BATCH,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Look for due retries now (after a failure with a short rung, or an admin requeue). */
  wake(): void {
    this.worker.wake();
  }

  /** Dispatches every due retry once; returns how many rows were leased. */
  async dispatchDue(): Promise<number> {
    const leaseMs = this.options.relay.publishTimeoutMs + 1000;
    const rows = await this.store.leaseDue(BATCH, leaseMs);
    const results = await Promise.allSettled(rows.map((row) => sendRetry(this.publisher, row)));
    await this.store.markDispatched(rows.filter((_, i) => results[i].status === 'fulfilled'));
    for (const [i, result] of results.entries()) {
      if (result.status === 'fulfilled') continue;
      const message = errorText(result.reason);
      this.logger.warn(`retry of ${rows[i].message_id} to ${rows[i].queue} not sent, trying again in 5 s: ${message}`);
      await this.store.postpone(rows[i], message, UNSENT_RETRY_MS);
    }
    return rows.length;
  }
}

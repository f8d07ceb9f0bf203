import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ladderDelay } from '../ladder';
import type { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { leaseRows } from '../outbox/lease-rows';
import { PeriodicWorker } from '../support/periodic-worker';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import type { NotifyTargets } from './notify-targets';
import { describePostOutcome } from './post-outcome-text';
import { type LeasedNotification, recordAttempt } from './record-attempt';
import type { PostOutcome } from './post-outcome';
import { WebhookPoster } from './webhook-poster';
import { signedHeaders } from './signed-headers';
import { tracedPost } from './traced-post';

/** Due notifications attempted per round. */
export const NOTIFY_BATCH = 20;

/**
 * Sends due notifications for {@link HttpNotifier}: leases them in a short transaction, POSTs
 * each signed with none open, and records the outcome in another short one, scheduling the next
 * rung of the notify ladder or giving up after the last.
 */
export class NotificationSender {
  private readonly logger = new Logger('HttpNotifier');
  private readonly poster: WebhookPoster;
  private readonly worker: PeriodicWorker;

  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: TxMsgMetrics,
    private readonly options: ResolvedTxMsgOptions,
    private readonly targets: NotifyTargets,
  ) {
    this.poster = new WebhookPoster(options.notify.timeoutMs);
    const { scanIntervalMs } = options.notify;
    this.worker = new PeriodicWorker(
      this.logger,
      scanIntervalMs,
      async () => (await this.deliverDue()) >= NOTIFY_BATCH,
    );
  }

  start(): void {
    this.worker.start();
  }

  /** Looks for due notifications now rather than at the next scan. */
  wake(): void {
    this.worker.wake();
  }

  /** Stops the worker, then closes the connection pool. */
  async stop(): Promise<void> {
    await this.worker.stop();
    await this.poster.close();
  }

  /** Makes one attempt for every due notification (at most 20 per call); returns how many. */
  async deliverDue(): Promise<number> {
    const select = `SELECT id, notification_id, target_url, body, attempts, trace_context FROM txmsg_notification
                     WHERE status = 'PENDING' AND next_attempt_at <= NOW(3)
                     ORDER BY next_attempt_at LIMIT ${NOTIFY_BATCH} FOR UPDATE SKIP LOCKED`;
    const leaseMs = 2 * this.options.notify.timeoutMs + 10_000;
    const rows = await leaseRows<LeasedNotification>(this.dataSource, 'txmsg_notification', select, [], leaseMs);
    await Promise.all(rows.map((row) => this.attempt(row)));
    return rows.length;
  }

  private async attempt(row: LeasedNotification): Promise<void> {
    const started = Date.now();
    const outcome = await this.post(row);
    const attempt = row.attempts + 1;
    const { statusCode, failure } = outcome;
    const retryInMs = failure === null ? undefined : ladderDelay(this.options.notify.ladderMs, attempt);
    const result = failure === null ? 'delivered' : retryInMs === undefined ? 'gave_up' : 'failed';
    this.metrics.notificationAttempted(result, row.target_url);
    if (failure !== null) {
      const what = `notification ${row.notification_id} to ${row.target_url} attempt ${attempt} failed (${failure}: ${describePostOutcome(outcome)})`;
      if (retryInMs === undefined) this.logger.error(`${what}; gave up`);
      else this.logger.warn(`${what}; next in ${retryInMs} ms`);
    }
    await recordAttempt(this.dataSource, row, { statusCode, failure, durationMs: Date.now() - started, retryInMs });
    if (retryInMs !== undefined && retryInMs <= 60_000) setTimeout(() => this.worker.wake(), retryInMs).unref();
  }

  private async post(row: LeasedNotification): Promise<PostOutcome> {
    const refusal = this.targets.refusalOf(row.target_url);
    if (refusal) return { statusCode: null, failure: 'not_allowed', cause: new Error(refusal.message) };
    const { secret } = this.targets.resolve(row.target_url);
    const headers = signedHeaders(secret, this.options.service, row.notification_id, row.body);
    return tracedPost(this.poster, row, headers);
  }
}

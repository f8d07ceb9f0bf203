import { Logger } from '@nestjs/common';
import type { FailureAnnouncer } from '../failure-hooks/failure-announcer';
import { retryDelay } from '../retry/resolve-retry-policy';
import type { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { errorText } from '../support/error-text';
import { PeriodicWorker, withinMs } from '../support/periodic-worker';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { InFlightAttempts } from './in-flight-attempts';
import type { NotificationStore } from '../store/notification-store';
import type { NotifyTargets } from './notify-targets';
import type { PostOutcome } from './post-outcome';
import { describePostOutcome } from './post-outcome-text';
import type { LeasedNotification } from '../store/notification-rows';
import type { Queryable } from '../store/store-database';
import { ReceiverPolicies } from './receiver-policies';
import { redactedUrl } from './redacted-url';
import { signedHeaders } from './signed-headers';
import { tracedPost } from './traced-post';
import { WebhookPoster } from './webhook-poster';

/** Due notifications looked at per round. */
export const NOTIFY_BATCH = 20;

/** How long {@link NotificationSender.stop} waits for the attempts in flight. */
const STOP_WAIT_MS = 5000;

/**
 * Sends due notifications for {@link HttpNotifier}: leases them in a short transaction, POSTs
 * each signed with none open, and records the outcome in another short one, scheduling the next
 * rung of its receiver's ladder (`notify.retryPolicies`, else the notify ladder) or giving up
 * after the last, or at once on a failure that policy does not retry; a notification given up on
 * is announced to the failure hooks in that same transaction. Rounds do not wait for the attempts they
 * start: each receiver origin has a bounded number in flight (see {@link InFlightAttempts}), and
 * a round leases only rows that can start at once, so a receiver that hangs delays its own
 * notifications only, and a leased row is never waiting past its lease.
 */
export class NotificationSender {
  private readonly logger = new Logger('HttpNotifier');
  private readonly poster: WebhookPoster;
  private readonly worker: PeriodicWorker;
  private readonly inFlight = new InFlightAttempts();
  private readonly attempts = new Set<Promise<void>>();
  private readonly policies: ReceiverPolicies;

  constructor(
    private readonly store: NotificationStore,
    private readonly metrics: TxMsgMetrics,
    private readonly options: ResolvedTxMsgOptions,
    private readonly targets: NotifyTargets,
    private readonly announcer: FailureAnnouncer,
  ) {
    this.poster = new WebhookPoster(options.notify.timeoutMs);
    this.policies = new ReceiverPolicies(targets, options.notify.retryPolicies, options.notify.ladderMs);
    const { scanIntervalMs } = options.notify;
    this.worker = new PeriodicWorker(this.logger, scanIntervalMs, async () => (await this.startDue()).more);
  }

  start(): void {
    this.worker.start();
  }

  /** Looks for due notifications now rather than at the next scan. */
  wake(): void {
    this.worker.wake();
  }

  /** Stops the worker, waits a little for the attempts in flight, then closes the connection pool. */
  async stop(): Promise<void> {
    await this.worker.stop();
    await withinMs(Promise.allSettled([...this.attempts]), STOP_WAIT_MS);
    await this.poster.close();
  }

  /**
   * Makes one attempt for every due notification that may start now (at most 20 per call) and
   * waits for their outcomes; returns how many.
   */
  async deliverDue(): Promise<number> {
    const { started } = await this.startDue();
    await Promise.all(started);
    return started.length;
  }

  /**
   * Leases the due rows that may start now and starts their attempts, without waiting for them.
   * `more` when the round found a full batch and started some: more may be due at once.
   */
  private async startDue(): Promise<{ started: Promise<void>[]; more: boolean }> {
    if (this.inFlight.free === 0) return { started: [], more: false };
    let taken: LeasedNotification[] = [];
    let found: number;
    try {
      ({ found } = await this.store.leaseDue({
        limit: NOTIFY_BATCH,
        leaseMs: 2 * this.options.notify.timeoutMs + 10_000,
        exceptOrigins: this.inFlight.saturatedOrigins(),
        exceptIds: this.inFlight.running(),
        choose: (rows) => (taken = this.inFlight.take(rows)),
      }));
    } catch (error) {
      taken.forEach((row) => this.inFlight.release(row)); // not leased after all
      throw error;
    }
    const started = taken.map((row) => this.track(row));
    return { started, more: found >= NOTIFY_BATCH && started.length > 0 };
  }

  /** Runs the attempt of a leased row; its slot is freed once the outcome is recorded. */
  private track(row: LeasedNotification): Promise<void> {
    const running = this.attempt(row)
      .catch((error: unknown) => {
        this.logger.error(
          `notification ${row.notification_id}: the attempt's outcome could not be recorded (${errorText(error)}); it is due again when its lease runs out`,
        );
      })
      .finally(() => {
        this.attempts.delete(running);
        if (this.inFlight.release(row)) this.worker.wake();
      });
    this.attempts.add(running);
    return running;
  }

  private async attempt(row: LeasedNotification): Promise<void> {
    const started = Date.now();
    const outcome = await this.post(row);
    const attempt = row.attempts + 1;
    const { statusCode, failure } = outcome;
    const policy = this.policies.of(row.target_url);
    const retried = failure !== null && policy.retries(failure, statusCode);
    const retryInMs = retried ? retryDelay(policy, attempt) : undefined;
    const result = failure === null ? 'delivered' : retryInMs === undefined ? 'gave_up' : 'failed';
    this.metrics.notificationAttempted(result, row.target_url);
    if (failure !== null) {
      const where = redactedUrl(row.target_url);
      const what = `notification ${row.notification_id} to ${where} attempt ${attempt} failed (${failure}: ${describePostOutcome(outcome)})`;
      if (retryInMs === undefined) this.logger.error(`${what}; gave up`);
      else this.logger.warn(`${what}; next in ${retryInMs} ms`);
    }
    const recorded = { statusCode, failure, durationMs: Date.now() - started, retryInMs };
    if (await this.store.recordAttempt(row, recorded, this.announcement(row, attempt, failure))) {
      this.announcer.committed();
    }
    if (retryInMs !== undefined && retryInMs <= 60_000) setTimeout(() => this.worker.wake(), retryInMs).unref();
  }

  /** What announces, with the FAILED outcome, a notification given up on, when a hook hears it. */
  private announcement(row: LeasedNotification, attempts: number, failure: string | null) {
    if (failure === null || !this.announcer.wants('notification-exhausted')) return undefined;
    return (em: Queryable) =>
      this.announcer.write(em, {
        outcome: 'notification-exhausted',
        notificationId: row.notification_id,
        target: redactedUrl(row.target_url),
        type: row.type ?? '',
        subject: row.subject ?? null,
        attempts,
        error: failure,
        failedAt: new Date(),
      });
  }

  private async post(row: LeasedNotification): Promise<PostOutcome> {
    const refusal = this.targets.refusalOf(row.target_url);
    if (refusal) return { statusCode: null, failure: 'not_allowed', cause: new Error(refusal.message) };
    const { secret } = this.targets.resolve(row.target_url);
    const headers = signedHeaders(secret, this.options.service, row.notification_id, row.body);
    return tracedPost(this.poster, row, headers);
  }
}

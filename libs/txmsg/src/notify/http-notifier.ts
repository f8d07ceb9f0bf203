import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ladderDelay } from '../duration';
import { newMessageId } from '../envelope';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { OutsideTransactionError } from '../outbox/outbox';
import { affectedRows } from '../support/affected-rows';
import type { AfterCommitHook } from '../transaction-hooks/after-commit-hook';
import { TransactionHooks } from '../transaction-hooks/transaction-hooks';
import { leaseRows } from '../outbox/lease-rows';
import { PeriodicWorker } from '../support/periodic-worker';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { listNotifications, type NotificationRecord } from './notification-log';
import { NotifyTargets, type NotifyUrlRefusal } from './notify-targets';
import { type LeasedNotification, recordAttempt } from './record-attempt';
import { type PostOutcome, WebhookPoster } from './webhook-poster';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature';

const BATCH = 20;

/** A notification to send. */
export interface NotificationRequest<T = unknown> {
  /** Receiver endpoint (http or https) of an allowed origin (`notify.allowedOrigins` or `notify.secrets`). */
  url: string;
  /** Event type, sent in the body envelope. */
  type: string;
  /** JSON-serialisable data. */
  data: T;
  /** Business reference to find the notification by (e.g. a transaction number). */
  subject?: string;
  /** Notification id (the `webhook-id`); random by default. */
  id?: string;
}

/**
 * Best-effort notification over HTTP, the way payment providers notify merchants: each
 * notification is POSTed as JSON `{ id, type, createdAt, data }`, signed with HMAC-SHA256 in
 * Standard Webhooks headers, and retried on the notify ladder until the receiver answers 2xx;
 * then it stops. After the last rung it is FAILED (and can be re-sent). Every attempt is recorded,
 * with a neutral failure category. The receiver must not depend on it: it keeps a query API to
 * reconcile. Only allowed origins are notified, on public addresses unless listed as IP literals
 * (see `notify.allowedOrigins`); redirects are never followed.
 *
 * Transaction contract: {@link enqueue} writes in the ambient transaction, so a notification
 * exists if and only if the business change committed. Sending holds no transaction: due rows are
 * leased in a short one (for twice `notify.timeoutMs` plus 10 s), POSTed with none open, and the
 * outcome is recorded in another short one; a lease that runs out (the process died) makes the
 * row due again, so a notification is sent at least once.
 */
@Injectable()
export class HttpNotifier implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HttpNotifier.name);
  private readonly worker: PeriodicWorker;
  private readonly targets: NotifyTargets;
  private readonly poster: WebhookPoster;
  private wakeAfterCommit!: AfterCommitHook<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly metrics: TxMsgMetrics,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
    private readonly hooks: TransactionHooks,
  ) {
    this.targets = new NotifyTargets(options.notify);
    this.poster = new WebhookPoster(options.notify.timeoutMs);
    this.worker = new PeriodicWorker(
      this.logger,
      options.notify.scanIntervalMs,
      async () => (await this.deliverDue()) >= BATCH,
    );
  }

  onModuleInit(): void {
    this.wakeAfterCommit = this.hooks.afterCommit(() => this.worker.wake());
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
    await this.poster.close();
  }

  /**
   * Why a notification could not be sent to `url`, or undefined if it could: not http(s), with a
   * user name or password, an origin not allowed, or no key to sign for it. Lets a host refuse
   * such a URL up front (e.g. with 422) rather than fail in {@link enqueue}. Pure; resolves no name.
   */
  refusalOf(url: string): NotifyUrlRefusal | undefined {
    return this.targets.refusalOf(url);
  }

  /**
   * Schedules a notification in the ambient transaction; the first attempt follows the commit.
   * The URL is stored and later sent in its canonical form.
   * @throws OutsideTransactionError with no transaction open; Error when {@link refusalOf} refuses the URL.
   */
  async enqueue<T>(request: NotificationRequest<T>): Promise<string> {
    const { url } = this.targets.resolve(request.url);
    if (!this.txHost.isTransactionActive()) {
      throw new OutsideTransactionError(
        `notification "${request.type}" must be enqueued inside the business transaction`,
      );
    }
    const id = request.id ?? newMessageId();
    const body = JSON.stringify({ id, type: request.type, createdAt: new Date().toISOString(), data: request.data });
    const em: EntityManager = this.txHost.tx;
    await em.query(
      `INSERT INTO txmsg_notification (notification_id, subject, type, target_url, body, status) VALUES (?, ?, ?, ?, ?, 'PENDING')`,
      [id, request.subject ?? null, request.type, url, body],
    );
    this.wakeAfterCommit.add(em);
    return id;
  }

  /** Sends the notifications of a subject again now, whatever their state. Returns how many. */
  async resend(subject: string): Promise<number> {
    const result = await this.dataSource.query(
      `UPDATE txmsg_notification SET status = 'PENDING', next_attempt_at = NOW(3), finished_at = NULL WHERE subject = ?`,
      [subject],
    );
    const count = affectedRows(result);
    if (count > 0) this.worker.wake();
    return count;
  }

  /** The notifications of a subject with all their attempts, oldest first. */
  list(subject: string): Promise<NotificationRecord[]> {
    return listNotifications(this.dataSource, subject);
  }

  /**
   * Makes one attempt for every due notification (at most 20 per call); returns how many were
   * attempted. No transaction is open while a receiver is being waited for.
   */
  async deliverDue(): Promise<number> {
    const select = `SELECT id, notification_id, target_url, body, attempts FROM txmsg_notification
                     WHERE status = 'PENDING' AND next_attempt_at <= NOW(3)
                     ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`;
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
    this.metrics.notificationAttempted(failure === null ? 'delivered' : retryInMs === undefined ? 'gave_up' : 'failed');
    if (failure !== null) {
      const what = `notification ${row.notification_id} to ${row.target_url} attempt ${attempt} failed (${failure}: ${describe(outcome)})`;
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
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': `txmsg-notifier (${this.options.service})`,
      [WEBHOOK_HEADERS.id]: row.notification_id,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: signWebhook(secret, row.notification_id, timestamp, row.body),
    };
    return this.poster.post(row.target_url, headers, row.body);
  }
}

/** The raw reason of a failed attempt, for the log: a status, or the socket error in the cause. */
function describe(outcome: PostOutcome): string {
  if (outcome.cause === undefined) return `status ${outcome.statusCode}`;
  type Cause = { code?: string; message?: string; errors?: Cause[] };
  const e = outcome.cause as Error & { code?: string; cause?: Cause };
  const cause = e.cause?.errors?.[0] ?? e.cause ?? e;
  if (cause.code && !cause.message?.includes(cause.code)) return `${cause.code} ${cause.message ?? ''}`.trim();
  return cause.message ?? String(outcome.cause);
}

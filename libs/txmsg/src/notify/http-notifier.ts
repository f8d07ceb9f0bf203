import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ladderDelay } from '../duration';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { newMessageId } from '../envelope';
import { OutsideTransactionError } from '../outbox/outbox';
import { affectedRows } from '../support/affected-rows';
import { onCommitWake, wakeAfterCommit } from '../support/after-commit';
import { claimRows } from '../support/claim-rows';
import { PeriodicWorker } from '../support/periodic-worker';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature';

const NOTIFY_WORKER = 'notify';

/** A notification to send. */
export interface NotificationRequest<T = unknown> {
  /** Receiver endpoint (http or https). */
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

/** Lifecycle of a notification. */
export type NotificationStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** One delivery attempt. */
export interface NotificationAttempt {
  attempt: number;
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** A notification with every attempt made so far. */
export interface NotificationRecord {
  id: string;
  subject: string | null;
  type: string;
  url: string;
  status: NotificationStatus;
  attempts: NotificationAttempt[];
  nextAttemptAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
}

interface DueRow {
  notification_id: string;
  target_url: string;
  body: string;
  attempts: number;
}

/**
 * Best-effort notification over HTTP (seed §6.2 scheme 2), the way payment providers notify
 * merchants: each notification is POSTed as JSON `{ id, type, createdAt, data }`, signed with
 * HMAC-SHA256 in Standard Webhooks headers, and retried on the notify ladder until the receiver
 * answers 2xx; then it stops. After the last rung it is FAILED (and can be re-sent). Every
 * attempt is recorded. The receiver must not depend on it: it keeps a query API to reconcile.
 *
 * Transaction contract: {@link enqueue} writes in the ambient transaction, so a notification
 * exists if and only if the business change committed.
 */
@Injectable()
export class HttpNotifier implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HttpNotifier.name);
  private readonly worker: PeriodicWorker;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly metrics: TxMsgMetrics,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.worker = new PeriodicWorker(this.logger, options.notify.scanIntervalMs, async () => (await this.deliverDue()) >= 20);
  }

  onModuleInit(): void {
    onCommitWake(this.dataSource, NOTIFY_WORKER, () => this.worker.wake());
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /**
   * Schedules a notification in the ambient transaction; the first attempt follows the commit.
   * @throws OutsideTransactionError with no transaction open; Error when no secret is configured
   *   for the receiver or the URL is not http(s).
   */
  async enqueue<T>(request: NotificationRequest<T>): Promise<string> {
    this.secretFor(request.url);
    if (!this.txHost.isTransactionActive()) {
      throw new OutsideTransactionError(`notification "${request.type}" must be enqueued inside the business transaction`);
    }
    const id = request.id ?? newMessageId();
    const body = JSON.stringify({ id, type: request.type, createdAt: new Date().toISOString(), data: request.data });
    const em: EntityManager = this.txHost.tx;
    await em.query(
      `INSERT INTO txmsg_notification (notification_id, subject, type, target_url, body, status) VALUES (?, ?, ?, ?, ?, 'PENDING')`,
      [id, request.subject ?? null, request.type, request.url, body],
    );
    wakeAfterCommit(em, NOTIFY_WORKER);
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
  async list(subject: string): Promise<NotificationRecord[]> {
    const rows: Record<string, any>[] = await this.dataSource.query(
      `SELECT * FROM txmsg_notification WHERE subject = ? ORDER BY id`,
      [subject],
    );
    if (rows.length === 0) return [];
    const attempts: Record<string, any>[] = await this.dataSource.query(
      `SELECT * FROM txmsg_notification_attempt WHERE notification_id IN (?) ORDER BY id`,
      [rows.map((r) => r.notification_id)],
    );
    return rows.map((row) => ({
      id: row.notification_id,
      subject: row.subject,
      type: row.type,
      url: row.target_url,
      status: row.status,
      nextAttemptAt: row.status === 'PENDING' ? row.next_attempt_at : null,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
      attempts: attempts
        .filter((a) => a.notification_id === row.notification_id)
        .map((a) => ({
          attempt: a.attempt,
          at: a.attempted_at,
          statusCode: a.status_code,
          error: a.error,
          durationMs: a.duration_ms,
        })),
    }));
  }

  /** Makes one attempt for every due notification; returns how many were attempted. */
  async deliverDue(): Promise<number> {
    const select = `SELECT notification_id, target_url, body, attempts FROM txmsg_notification
                     WHERE status = 'PENDING' AND next_attempt_at <= NOW(3)
                     ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED`;
    return claimRows<DueRow>(this.dataSource, select, [], async (em, rows) => {
      await Promise.all(rows.map((row) => this.attempt(em, row)));
    });
  }

  private async attempt(em: EntityManager, row: DueRow): Promise<void> {
    const attempt = row.attempts + 1;
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await fetch(row.target_url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.notify.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': `txmsg-notifier (${this.options.service})`,
          [WEBHOOK_HEADERS.id]: row.notification_id,
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: signWebhook(this.secretFor(row.target_url), row.notification_id, timestamp, row.body),
        },
        body: row.body,
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (statusCode < 200 || statusCode >= 300) error = `receiver answered ${statusCode}`;
    } catch (e) {
      error = (e as Error).name === 'TimeoutError' ? `no answer within ${this.options.notify.timeoutMs} ms` : describe(e);
    }
    const durationMs = Date.now() - started;
    await em.query(
      `INSERT INTO txmsg_notification_attempt (notification_id, attempt, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?)`,
      [row.notification_id, attempt, statusCode, error?.slice(0, 1000) ?? null, durationMs],
    );
    this.metrics.notificationAttempted(error === null ? 'delivered' : ladderDelay(this.options.notify.ladderMs, attempt) === undefined ? 'gave_up' : 'failed');
    if (error === null) {
      await em.query(
        `UPDATE txmsg_notification SET status = 'DELIVERED', attempts = ?, last_status = ?, last_error = NULL, finished_at = NOW(3)
          WHERE notification_id = ?`,
        [attempt, statusCode, row.notification_id],
      );
      return;
    }
    const delay = ladderDelay(this.options.notify.ladderMs, attempt);
    if (delay === undefined) {
      this.logger.error(`notification ${row.notification_id} to ${row.target_url} gave up after ${attempt} attempts: ${error}`);
      await em.query(
        `UPDATE txmsg_notification SET status = 'FAILED', attempts = ?, last_status = ?, last_error = ?, finished_at = NOW(3)
          WHERE notification_id = ?`,
        [attempt, statusCode, error.slice(0, 1000), row.notification_id],
      );
      return;
    }
    this.logger.warn(`notification ${row.notification_id} attempt ${attempt} failed (${error}); next in ${delay} ms`);
    await em.query(
      `UPDATE txmsg_notification SET attempts = ?, last_status = ?, last_error = ?, next_attempt_at = DATE_ADD(NOW(3), INTERVAL ? MICROSECOND)
        WHERE notification_id = ?`,
      [attempt, statusCode, error.slice(0, 1000), delay * 1000, row.notification_id],
    );
    if (delay <= 60_000) setTimeout(() => this.worker.wake(), delay).unref();
  }

  private secretFor(url: string): string {
    let origin: string;
    try {
      const parsed = new URL(url);
      if (!['http:', 'https:'].includes(parsed.protocol)) throw new Error();
      origin = parsed.origin;
    } catch {
      throw new Error(`notification URL must be http(s), got "${url}"`);
    }
    const secret = this.options.notify.secrets[origin] ?? this.options.notify.secret;
    if (!secret) throw new Error(`no notification secret is configured for ${origin} (notify.secret or notify.secrets)`);
    return secret;
  }
}

/** fetch() says only "fetch failed"; the socket error that matters is in its cause. */
function describe(error: unknown): string {
  type Cause = { code?: string; message?: string; errors?: Cause[] };
  const e = error as Error & { cause?: Cause };
  const cause = e.cause?.errors?.[0] ?? e.cause;
  if (cause?.code) return cause.message?.includes(cause.code) ? cause.message : `${cause.code} ${cause.message ?? ''}`.trim();
  if (cause?.message) return `${e.message}: ${cause.message}`;
  return e.message ?? String(error);
}

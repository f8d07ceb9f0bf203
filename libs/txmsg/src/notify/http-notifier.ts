import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { FailureAnnouncer } from '../failure-hooks/failure-announcer';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import type { AfterCommitHook } from '../transaction-hooks/after-commit-hook';
import { TransactionHooks } from '../transaction-hooks/transaction-hooks';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { NotificationStore } from '../store/notification-store';
import { type NotificationRecord, toNotificationRecords } from './notification-log';
import type { NotificationRequest } from './notification-request';
import { NotificationSender } from './notification-sender';
import { insertNotification } from './enqueue-notification';
import { NotifyTargets, type NotifyUrlRefusal } from './notify-targets';

export type { NotificationRequest } from './notification-request';

/**
 * Best-effort notification over HTTP, the way payment providers notify merchants: each
 * notification is POSTed as JSON `{ id, type, createdAt, data }`, signed with HMAC-SHA256 in
 * Standard Webhooks headers, and retried on the notify ladder until the receiver answers 2xx;
 * then it stops. After the last rung it is FAILED (and can be re-sent). Every attempt is recorded,
 * with a neutral failure category. The receiver must not depend on it: it keeps a query API to
 * reconcile. Only the receivers of `notify.secrets` are notified, each signed with its own key,
 * on public addresses unless listed as IP literals; redirects are never followed. A receiver that
 * answers slowly delays only its own notifications. Where the notifier shows a URL (its log,
 * {@link list}, spans) the query string and fragment are redacted.
 *
 * Transaction contract: {@link enqueue} writes in the ambient transaction, so a notification
 * exists if and only if the business change committed. Sending holds no transaction: due rows are
 * leased in a short one (for twice `notify.timeoutMs` plus 10 s), POSTed with none open, and the
 * outcome is recorded in another short one; a lease that runs out (the process died) makes the
 * row due again, so a notification is sent at least once.
 */
@Injectable()
export class HttpNotifier implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly targets: NotifyTargets;
  private readonly sender: NotificationSender;
  /** Wakes the sender right after a commit that enqueued a notification. */
  private readonly wakeAfterCommit: AfterCommitHook<void>;

  constructor(
    private readonly store: NotificationStore,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    metrics: TxMsgMetrics,
    hooks: TransactionHooks,
    announcer: FailureAnnouncer,
    @Inject(TXMSG_OPTIONS) options: ResolvedTxMsgOptions,
  ) {
    this.targets = new NotifyTargets(options.notify);
    this.sender = new NotificationSender(store, metrics, options, this.targets, announcer);
    this.wakeAfterCommit = hooks.afterCommit(() => this.sender.wake());
  }

  onApplicationBootstrap(): void {
    this.sender.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sender.stop();
  }

  /**
   * Why a notification could not be sent to `url`, or undefined if it could: not http(s), with a
   * user name or password, an origin with no receiver, or a path outside its receivers'. Lets a host refuse
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
    return insertNotification(
      this.store,
      this.txHost,
      request,
      this.targets.resolve(request.url).url,
      this.wakeAfterCommit,
    );
  }

  /**
   * Sends the notifications of a subject again now, whatever their state; a DELIVERED or FAILED
   * one on a fresh ladder, its attempts so far kept. Returns how many.
   */
  async resend(subject: string): Promise<number> {
    const count = await this.store.markForResend(subject);
    if (count > 0) this.sender.wake();
    return count;
  }

  /** Looks for due notifications now rather than at the next scan (after a resend made some due). */
  wake(): void {
    this.sender.wake();
  }

  /** The notifications of a subject with all their attempts, oldest first; URLs redacted (see `redactedUrl`). */
  async list(subject: string): Promise<NotificationRecord[]> {
    const { rows, attempts } = await this.store.list(subject);
    return toNotificationRecords(rows, attempts);
  }

  /**
   * Makes one attempt for every due notification that may start now (at most 20 per call, and
   * none to a receiver origin whose attempts already fill its slots) and waits for their
   * outcomes; returns how many were attempted.
   */
  deliverDue(): Promise<number> {
    return this.sender.deliverDue();
  }
}

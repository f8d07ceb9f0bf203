import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxStore } from '../store/outbox-store';
import { PeriodicWorker } from '../support/periodic-worker';
import type { AfterCommitHook } from '../transaction-hooks/after-commit-hook';
import { TransactionHooks } from '../transaction-hooks/transaction-hooks';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { DueTimer } from './due-timer';
import { OutboxRelay } from './outbox-relay';

/**
 * The longest this process goes without asking the database when the next delayed message is
 * due: what bounds the lateness of one written by another instance (or by this one before a
 * restart), whatever `relay.pollIntervalMs` is.
 */
const LOOKUP_INTERVAL_MS = 1000;
/**
 * The wait before looking again when a message is due but none could be released: another
 * instance holds it (releasing it, or cancelling it in a transaction still open).
 */
const RECHECK_MS = 50;

/**
 * Makes delayed messages (SCHEDULED outbox rows) READY when they are due and wakes the relay,
 * which publishes them like any other row. It sleeps on a timer for the earliest due time it
 * knows: one written here is known at its commit, any other from a lookup of the next due time
 * (one index read) at start-up, after each release and every second at least. So a message is
 * released within milliseconds of its due time while its writer runs, and within a second if
 * another instance has to take it over. The release is a lease (`FOR UPDATE SKIP LOCKED`): any
 * number of instances run it, each message is released once, and a cancel wins or loses cleanly.
 *
 * Transaction contract: runs its statements in autocommit or in short transactions of its own;
 * {@link noteAfterCommit} only notes the due time in the caller's transaction.
 */
@Injectable()
export class DelayedRelease implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DelayedRelease.name);
  private readonly worker: PeriodicWorker;
  private readonly timer: DueTimer;
  /** Due times (this process's clock) of delayed messages written in a transaction, handed over at its commit. */
  private readonly committed: AfterCommitHook<number>;

  constructor(
    private readonly store: OutboxStore,
    private readonly relay: OutboxRelay,
    hooks: TransactionHooks,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    const interval = Math.min(options.relay.pollIntervalMs, LOOKUP_INTERVAL_MS);
    this.worker = new PeriodicWorker(this.logger, interval, () => this.releaseOnce());
    this.timer = new DueTimer(() => this.worker.wake());
    this.committed = hooks.afterCommit<number>((dues) => this.timer.arm(Math.min(...dues) - Date.now()));
  }

  onApplicationBootstrap(): void {
    if (this.options.relay.enabled) this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.timer.clear();
    await this.worker.stop();
  }

  /** Notes a delayed message written in the transaction of `manager`, due `dueInMs` from now, for once it commits. */
  noteAfterCommit(manager: EntityManager, dueInMs: number): void {
    this.committed.add(manager, Date.now() + dueInMs);
  }

  /**
   * Looks up the next due time; if one is due, releases up to `relay.batchSize` and wakes the
   * relay, else arms the timer for it. True after a release, so the next lookup follows at once.
   * While nothing waits, a round is that one index read.
   */
  async releaseOnce(): Promise<boolean> {
    const nextInMs = await this.store.nextDueInMs();
    if (nextInMs === null) return false;
    if (nextInMs > 0) {
      this.timer.arm(nextInMs);
      return false;
    }
    const released = await this.store.releaseDue(this.options.relay.batchSize);
    if (released === 0) {
      this.timer.arm(RECHECK_MS);
      return false;
    }
    this.relay.wake();
    return true;
  }
}

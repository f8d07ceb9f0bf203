import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { crashIf } from '../support/crash-point';
import { withinMs } from '../support/periodic-worker';
import type { AfterCommitHook } from '../transaction-hooks/after-commit-hook';
import { TransactionHooks } from '../transaction-hooks/transaction-hooks';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { OutboxPublisher } from './outbox-publisher';
import { OutboxRelay } from './outbox-relay';
import type { OutboxRow } from './outbox-row';
import { PublishedMarks } from './published-marks';

/** How long the last marks may take on shutdown. */
const SHUTDOWN_FLUSH_MS = 5000;

/**
 * Publishes each outbox message right after the transaction that wrote it commits, in the process
 * that wrote it (as CAP does), so a message costs one publish and its share of one batched
 * `UPDATE … PUBLISHED` instead of a relay round. The relay's poll stays the safety net: a row
 * handed over here is written due only after the relay's publish lease (`relay.publishTimeoutMs`
 * + 1 s), so no relay leases it while it is being dispatched; if this process dies after the
 * commit, or the publish fails (broker down, no queue bound yet), the row is still READY and the
 * relay of any instance publishes it once it is due. A crash between the publish and the mark
 * publishes it again: delivery stays at-least-once, and consumers dedupe.
 *
 * Transaction contract: {@link take} and {@link release} run inside the writer's transaction and
 * only note the row; the publish runs after the outermost commit with no transaction open, and
 * the marks are conditional autocommit UPDATEs (`WHERE status = 'READY'`).
 */
@Injectable()
export class CommitDispatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(CommitDispatcher.name);
  /** Dispatches under way, and the shutdown waits to call once none is. */
  private dispatching = 0;
  private idle: (() => void)[] = [];
  private readonly marks: PublishedMarks;
  private readonly committed: AfterCommitHook<OutboxRow>;

  constructor(
    hooks: TransactionHooks,
    private readonly relay: OutboxRelay,
    private readonly publisher: OutboxPublisher,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.marks = new PublishedMarks(this.logger, (ids) => publisher.markPublished(ids));
    this.committed = hooks.afterCommit<OutboxRow>((rows) => rows.forEach((row) => void this.dispatch(row)));
  }

  /**
   * Lets the publishes in flight end and marks what was published, for at most 5 s: rows left
   * unmarked (the mark stuck in a lock wait) are published again by a relay, and consumers dedupe.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const dispatched =
      this.dispatching === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.idle.push(resolve));
    await withinMs(
      dispatched.then(() => this.marks.flush()),
      SHUTDOWN_FLUSH_MS,
    );
  }

  /**
   * Takes a READY row written in the transaction of `manager` for dispatch after its commit.
   * While the broker is unreachable nothing is taken: the row is due at once, for the relay, which
   * probes the broker at its own pace instead of every commit waiting out a confirm timeout.
   * @returns how long the row must stay out of the relay's reach (0: not taken, the relay sends it).
   */
  take(manager: EntityManager, row: OutboxRow): number {
    if (!this.options.relay.dispatchOnCommit || !this.relay.running || !manager.queryRunner) return 0;
    if (!this.publisher.reachable) return 0;
    this.committed.add(manager, row);
    return this.relay.publishLeaseMs;
  }

  /** Gives back a row {@link take}n in the transaction of `manager`: it is not to be sent after all. */
  release(manager: EntityManager, messageId: string): void {
    this.committed.withdraw(manager, (row) => row.message_id === messageId);
  }

  private async dispatch(row: OutboxRow): Promise<void> {
    // The broker went away between the write and the commit: the row is the relay's once its
    // lease runs out, with no publish queued here and no UPDATE to postpone it.
    if (!this.publisher.reachable) return;
    // Counted rather than kept in a set of promises: no extra promise per message for the shutdown.
    this.dispatching++;
    try {
      try {
        crashIf(this.options.crashPoint, 'relay-before-publish');
        await this.publisher.publish(row);
        crashIf(this.options.crashPoint, 'relay-after-publish');
      } catch (error) {
        // Still READY: the relay publishes it after the first back-off step (the grace period at most).
        return await this.publisher.postpone([{ ...row, attempts: 0 }], error).catch(() => undefined);
      }
      this.marks.add(row.message_id);
    } finally {
      if (--this.dispatching === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }
}

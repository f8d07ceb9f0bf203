import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ConfirmedPublisher } from '../broker/confirmed-publisher';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { handOverAfterCommit, onCommitHandOver, withdrawAfterCommit } from '../support/after-commit';
import { crashIf } from '../support/crash-point';
import { withinMs } from '../support/periodic-worker';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { OutboxRelay } from './outbox-relay';
import type { OutboxRow } from './outbox-row';

const CHANNEL = 'txmsg.dispatch';
/** How long the last marks may take on shutdown. */
const SHUTDOWN_FLUSH_MS = 5000;
/** Most message ids marked PUBLISHED by one statement. */
const MARK_BATCH = 500;

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
export class CommitDispatcher implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(CommitDispatcher.name);
  private readonly published = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private flushing?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    private readonly publisher: ConfirmedPublisher,
    private readonly metrics: TxMsgMetrics,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  onModuleInit(): void {
    onCommitHandOver<OutboxRow>(this.dataSource, CHANNEL, (rows) =>
      rows.forEach((row) => this.track(this.dispatch(row))),
    );
  }

  /**
   * Lets the publishes in flight end and marks what was published, for at most 5 s: rows left
   * unmarked (the mark stuck in a lock wait) are published again by a relay, and consumers dedupe.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await withinMs(
      Promise.allSettled([...this.inFlight]).then(() => this.flush()),
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
    handOverAfterCommit(manager, CHANNEL, row);
    return this.relay.publishLeaseMs;
  }

  /** Gives back a row {@link take}n in the transaction of `manager`: it is not to be sent after all. */
  release(manager: EntityManager, messageId: string): void {
    withdrawAfterCommit<OutboxRow>(manager, CHANNEL, (row) => row.message_id === messageId);
  }

  private async dispatch(row: OutboxRow): Promise<void> {
    // The broker went away between the write and the commit: the row is the relay's once its
    // lease runs out, with no publish queued here and no UPDATE to postpone it.
    if (!this.publisher.reachable) return;
    try {
      crashIf(this.options.crashPoint, 'relay-before-publish');
      await this.relay.publish(row);
      crashIf(this.options.crashPoint, 'relay-after-publish');
    } catch (error) {
      // Still READY: the relay publishes it after the first back-off step (the grace period at most).
      return this.relay.postpone(this.dataSource.manager, [{ ...row, attempts: 0 }], error).catch(() => undefined);
    }
    this.metrics.messagePublished(row.routing_key, row.created_at);
    this.published.add(row.message_id);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
  }

  /** Marks what was published, many rows per statement. */
  private async flush(): Promise<void> {
    try {
      while (this.published.size > 0) {
        const ids = [...this.published].slice(0, MARK_BATCH);
        ids.forEach((id) => this.published.delete(id));
        await this.dataSource
          .query(
            `UPDATE txmsg_outbox SET status = 'PUBLISHED', attempts = attempts + 1, finished_at = NOW(3), last_error = NULL
              WHERE message_id IN (?) AND status = 'READY'`,
            [ids],
          )
          .catch((error: Error) =>
            this.logger.warn(
              `could not mark ${ids.length} published messages (${error.message}); the relay will publish them again`,
            ),
          );
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}

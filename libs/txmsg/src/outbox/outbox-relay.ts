import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PeriodicWorker } from '../support/periodic-worker';
import type { AfterCommitHook } from '../transaction-hooks/after-commit-hook';
import { TransactionHooks } from '../transaction-hooks/transaction-hooks';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { OutboxStore } from '../store/outbox-store';
import { OutboxPublisher } from './outbox-publisher';
import { publishBatch } from './publish-batch';
import { BATCH_GROWTH, type LeasedRound, pipelinedRounds } from './pipelined-rounds';

/**
 * Moves committed outbox rows to the broker. Transaction contract: never publishes inside a
 * transaction. Each round leases up to `batchSize` due READY rows in one short transaction (`FOR
 * UPDATE SKIP LOCKED`, then `next_attempt_at` moved {@link publishLeaseMs} ahead), publishes them
 * with no transaction or row lock held, and records the outcomes afterwards ({@link publishBatch}):
 * a broker that is down or slow holds neither row locks nor a pooled connection. The lease outlasts
 * the publish timeout, so two relays never publish the same row at once; a lease that runs out
 * (its relay died) makes the row due again: at-least-once, and consumers dedupe by message id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly worker: PeriodicWorker;
  private readonly woken: AfterCommitHook<void>;
  /** Set by {@link stop}: no new batch is leased, the ones in flight end. */
  private stopping = false;
  /** Whether the last {@link relayOnce} ended on a full round: more may be due at once. */
  private endedFull = false;

  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: OutboxPublisher,
    hooks: TransactionHooks,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.worker = new PeriodicWorker(this.logger, options.relay.pollIntervalMs, async () => {
      await this.relayOnce();
      return this.endedFull;
    });
    this.woken = hooks.afterCommit(() => this.wake());
  }

  onApplicationBootstrap(): void {
    if (this.options.relay.enabled) this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Runs a round soon; ignored while the broker is unreachable (the poll then paces the probes). */
  wake(): void {
    if (this.publisher.reachable) this.worker.wake();
  }

  /** Asks for a {@link wake} right after the outermost transaction of `manager` commits. */
  wakeAfterCommit(manager: EntityManager): void {
    this.woken.add(manager);
  }

  /** Whether the relay runs in this process (it may be disabled, or stopped). */
  get running(): boolean {
    return this.worker.isRunning;
  }

  /** Stops the loop (tests use it to simulate a relay that is down); {@link start} starts it again. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker.stop();
  }

  start(): void {
    this.stopping = false;
    this.worker.start();
  }

  /** How long a leased row stays out of other relays' reach: the confirm timeout plus 1 s. */
  get publishLeaseMs(): number {
    return this.options.relay.publishTimeoutMs + 1000;
  }

  /**
   * Relays what is due: a round (lease, publish, record), and more, growing, while rounds come back full,
   * the broker is reachable and the relay is not stopping, a few batches at a time
   * in flight; returns once every batch leased is recorded, with how many rows were leased.
   * While the broker is unreachable a round is only a probe of one row: an outage costs the
   * database one lease and one back-off per round instead of whole batches, and the row probed
   * shows the operator why nothing goes out.
   */
  async relayOnce(): Promise<number> {
    this.endedFull = false;
    const { batchSize } = this.options.relay;
    const first = this.publisher.reachable ? batchSize : 1;
    const goOn = () => !this.stopping && this.publisher.reachable;
    const { leased, full } = await pipelinedRounds((limit) => this.leaseRound(limit), first, goOn, {
      maxBatch: batchSize * BATCH_GROWTH,
    });
    this.endedFull = full;
    return leased;
  }

  /** Leases up to `limit` rows and starts publishing them; the publish and its record go on in the background. */
  private async leaseRound(limit: number): Promise<LeasedRound> {
    const rows = await this.store.leaseReady(limit, this.publishLeaseMs);
    if (rows.length === 0) return { size: 0, recorded: Promise.resolve() };
    return { size: rows.length, recorded: publishBatch(this.publisher, rows, this.options.crashPoint) };
  }
}

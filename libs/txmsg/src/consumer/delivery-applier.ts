import type { Nack } from '@golevelup/nestjs-rabbitmq';
import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Logger } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import type { ClsService } from 'nestjs-cls';
import type { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { CORRELATION_ID } from '../outbox/outbox';
import { OrderedBatch, type OrderedItem, type OrderedOutcome } from '../ordering/ordered-batch';
import type { HeldSender } from '../ordering/held-sender';
import type { OrderingPosition } from '../ordering/ordering-headers';
import type { DedupOutcome, DedupStore } from '../store/dedup-store';
import type { OrderingStore } from '../store/ordering-store';
import { crashIf } from '../support/crash-point';
import { withDeadlockRetry } from '../support/deadlock';
import { REDELIVERED_HEADER } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { ApplyTurn } from './apply-turn';
import { noteOutcome } from './consume-span';
import type { FailureOutcomes } from './failure-outcomes';
import type { FailureRecorder } from './failure-recorder';
import type { Claimed } from './idempotent-delivery';
import { keptPropertiesOf } from './message-context';
import { UnrecoverableMessageError } from './poison-message';

/**
 * Applies claimed deliveries for {@link ConsumerRuntime}: per delivery, the dedup row and the
 * handler in one database transaction, a duplicate acknowledged without running its handler.
 */
export class DeliveryApplier {
  private readonly logger = new Logger('ConsumerRuntime');
  /** Per consumer: its batches (and their replays) take turns to run their handlers. */
  private readonly turns = new Map<string, ApplyTurn>();

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
    private readonly dedup: DedupStore,
    private readonly failures: FailureRecorder,
    private readonly outcomes: FailureOutcomes,
    private readonly metrics: TxMsgMetrics,
    private readonly options: ResolvedTxMsgOptions,
    private readonly ordering: OrderingStore,
    private readonly heldSender: HeldSender,
  ) {}

  /**
   * Applies deliveries of one consumer in one transaction; when that fails (a handler threw, the
   * commit failed) each runs again alone, so only the failing one goes to the retry ladder.
   */
  async applyBatch(items: Claimed[]): Promise<Array<void | Nack>> {
    const turn = this.turnOf(items[0].delivery.consumer);
    if (items.length === 1) return [await this.applyAlone(items[0], turn)];
    let applied: OrderedOutcome[];
    try {
      applied = await this.transaction(items, turn);
      this.metrics.batchCommitted(items[0].delivery.consumer, items.length);
    } catch {
      // A handler threw, or the batch could not commit: nothing of it is left. Each delivery runs
      // again alone, as without group commit (its handler may thus run twice; only one run ever
      // commits), so a failure is recorded, or a delivery requeued, for that delivery only.
      return Promise.all(items.map((item) => this.applyAlone(item, turn)));
    }
    const outcomes: Array<void | Nack> = [];
    for (const [i, item] of items.entries()) outcomes.push(await this.settled(item, applied[i]));
    return outcomes;
  }

  /** Applies one delivery in a transaction of its own; with `turn`, taking turns with its consumer's batches. */
  async applyAlone(item: Claimed, turn?: ApplyTurn): Promise<void | Nack> {
    try {
      const [applied] = await this.transaction([item], turn);
      this.metrics.batchCommitted(item.delivery.consumer, 1);
      return await this.settled(item, applied);
    } catch (error) {
      if (item.position) await this.blockKey(item.delivery.consumer, item.position);
      if (error instanceof UnrecoverableMessageError) return this.outcomes.park(item.failed, error, 'UNRECOVERABLE');
      // The same input overflows the stack again on every try: no rung of the ladder can help.
      if (isStackOverflow(error)) {
        return this.outcomes.park(item.failed, new UnrecoverableMessageError(error.message), 'UNRECOVERABLE');
      }
      return this.outcomes.retryLater(item.failed, error);
    }
  }

  /**
   * Marks an ordered delivery that failed as the one its key waits for, so the later messages of
   * the key wait for it as long as it takes (on the ladder, or parked). Should that fail (the
   * database is gone), they wait for the gap timeout first, which is no worse.
   */
  async blockKey(consumer: string, { source, key, seq }: OrderingPosition): Promise<void> {
    await this.ordering.block(consumer, source, key, seq).catch((error: unknown) => {
      this.logger.warn(`${consumer}: could not mark ${source} "${key}" #${seq} as failing: ${String(error)}`);
    });
  }

  /**
   * One transaction applying `items`, run again when chosen as a deadlock victim; its handlers
   * run in `turn`. Held messages it made due are sent once it has committed.
   */
  private async transaction(items: Claimed[], turn: ApplyTurn | undefined): Promise<OrderedOutcome[]> {
    let released = false;
    const outcomes = await withDeadlockRetry(async () => {
      const giveUp = turn ? await turn.take() : undefined;
      try {
        return await this.txHost.withTransaction(async () => {
          try {
            const { applied, releasedHeld } = await this.applyInTransaction(items);
            released = releasedHeld;
            return applied;
          } finally {
            giveUp?.(); // before the COMMIT: the next transaction applies while this one commits
          }
        });
      } finally {
        giveUp?.(); // BEGIN itself failed
      }
    });
    if (released) this.heldSender.wake();
    return outcomes;
  }

  private turnOf(consumer: string): ApplyTurn {
    let turn = this.turns.get(consumer);
    if (!turn) {
      turn = new ApplyTurn();
      this.turns.set(consumer, turn);
    }
    return turn;
  }

  /**
   * In the ambient transaction: per delivery, the dedup row, then the handler unless the key was
   * applied before (a duplicate, or a conflict when with another body).
   */
  private async applyInTransaction(items: Claimed[]): Promise<{ applied: OrderedOutcome[]; releasedHeld: boolean }> {
    const applied: OrderedOutcome[] = [];
    const ordered = await this.orderedBatchOf(items);
    for (const item of items) {
      // Read by the outbox when the handler sends messages; the handlers of a batch run one by one.
      this.cls.set(CORRELATION_ID, item.failed.envelope.correlationId);
      // A batch runs in the context of whichever delivery started it: each handler gets its own span's.
      const apply = () => (item.trace ? context.with(item.trace, () => this.applyOne(item)) : this.applyOne(item));
      applied.push(await (ordered && item.position ? ordered.step(orderedItemOf(item), apply) : apply()));
    }
    await ordered?.finish();
    if (applied.includes('fresh')) crashIf(this.options.crashPoint, 'consumer-before-commit');
    return { applied, releasedHeld: ordered?.released ?? false };
  }

  /** The cursors of the ordered deliveries among `items`, locked; undefined when there are none. */
  private async orderedBatchOf(items: Claimed[]): Promise<OrderedBatch | undefined> {
    const ordered = items.filter((item) => item.position);
    if (ordered.length === 0) return undefined;
    const { consumer, ordered: options } = ordered[0].delivery;
    const positions = ordered.map((item) => item.position!);
    return OrderedBatch.begin(this.ordering, this.txHost.tx, consumer, positions, options!.gapTimeoutMs, this.logger);
  }

  private async applyOne({ delivery, key, failed }: Claimed): Promise<DedupOutcome> {
    const outcome = await this.dedup.record(
      this.txHost.tx,
      delivery.consumer,
      key,
      failed.envelope.id,
      failed.payloadHash,
    );
    if (outcome === 'fresh') await delivery.invoke();
    return outcome;
  }

  /** After the commit: metrics, the ladder entry of a redelivery resolved, a conflict parked. */
  private async settled({ key, failed }: Claimed, outcome: OrderedOutcome): Promise<void | Nack> {
    if (outcome === 'held') {
      this.metrics.messageConsumed(failed.consumer, 'held');
      noteOutcome(failed.span, 'held');
      return;
    }
    if (typeof outcome === 'object') {
      const conflict = new UnrecoverableMessageError(
        `dedup key ${key} was applied from another body (sha256 ${outcome.conflictsWith}); this one (sha256 ${failed.payloadHash}) was not applied`,
      );
      return this.outcomes.park(failed, conflict, 'CONFLICT');
    }
    const applied = outcome === 'fresh';
    if (applied) crashIf(this.options.crashPoint, 'consumer-before-ack');
    this.metrics.messageConsumed(failed.consumer, applied ? 'applied' : 'duplicate');
    noteOutcome(failed.span, applied ? 'applied' : 'duplicate');
    if (!applied)
      this.logger.debug(`${failed.consumer}: duplicate ${key} (message ${failed.envelope.id}) acknowledged`);
    if (failed.message.properties.headers?.[REDELIVERED_HEADER]) {
      await this.failures.resolved(failed).catch(() => undefined);
    }
  }
}

function isStackOverflow(error: unknown): error is RangeError {
  return error instanceof RangeError && error.message.includes('call stack');
}

/** What an ordered step needs of a claimed delivery. */
function orderedItemOf({ delivery, failed, position }: Claimed): OrderedItem {
  return {
    consumer: delivery.consumer,
    queue: delivery.queue ?? delivery.message.fields.routingKey,
    position: position!,
    messageId: failed.envelope.id,
    properties: () => JSON.stringify(keptPropertiesOf(delivery.message)),
    body: delivery.message.content,
  };
}

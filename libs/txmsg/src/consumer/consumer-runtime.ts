import { Nack } from '@golevelup/nestjs-rabbitmq';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import { ClsService } from 'nestjs-cls';
import { envelopeOf, type MessageEnvelope } from '../envelope';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { CORRELATION_ID } from '../outbox/outbox';
import { crashIf } from '../support/crash-point';
import { isDuplicateKeyError, withDeadlockRetry } from '../support/deadlock';
import { GroupCommit } from './group-commit';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { FailureStore, type FailedDelivery } from './failure-store';
import { PoisonMessage, UnrecoverableMessageError } from './poison-message';
import { REDELIVERED_HEADER, RetryScheduler } from './retry-scheduler';

/** One delivery to an {@link Idempotent} handler. */
export interface IdempotentDelivery {
  consumer: string;
  queue: string | undefined;
  payload: unknown;
  message: ConsumeMessage;
  key?: (payload: unknown, envelope: MessageEnvelope) => string;
  invoke: () => Promise<unknown>;
}

/** A delivery with its dedup key, ready to be applied. */
interface Claimed {
  delivery: IdempotentDelivery;
  key: string;
  failed: FailedDelivery;
}

/** How long a delivery whose failure could not be recorded waits before it is requeued. */
const REQUEUE_PAUSE_MS = 1000;

/**
 * What runs behind {@link Idempotent}: one per application, bound to its consumer instances at
 * bootstrap. It classifies every outcome of a delivery — applied, duplicate, retry later, parked,
 * back to the queue — and never lets one be rejected without a decision of its own: anything it
 * did not foresee (a bug, the database gone, the application stopping) sends the delivery back to
 * the queue. On shutdown it stops taking deliveries and waits for those in flight.
 */
@Injectable()
export class ConsumerRuntime {
  private readonly logger = new Logger(ConsumerRuntime.name);
  private readonly groups = new Map<string, GroupCommit<Claimed, void | Nack>>();
  /** Deliveries being handled, each with the way to let go of it (see {@link drain}). */
  private readonly inFlight = new Map<Promise<void | Nack>, () => void>();
  private stopping = false;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
    private readonly failures: FailureStore,
    private readonly retries: RetryScheduler,
    private readonly metrics: TxMsgMetrics,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /** Whether the application is stopping: deliveries that arrive now go back to the queue. */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** Deliveries being handled right now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * Stops taking deliveries (each new one is handed back to the queue) and resolves once those in
   * flight have settled, or after `timeoutMs`. Deliveries still running then are let go of: the
   * broker gets them back (requeued) while their handler may still be running — a transaction
   * stuck on a lock or a pool with no free connection must not hold the shutdown past its grace
   * period. Should such a handler still commit, its dedup row makes the redelivery a duplicate;
   * if it never does, the process exits and the database rolls it back. Returns how many were let go.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.stopping = true;
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())));
      await Promise.race([Promise.allSettled([...this.inFlight.keys()]), timeout]);
      clearTimeout(timer);
    }
    const left = this.inFlight.size;
    for (const letGo of [...this.inFlight.values()]) letGo();
    return left;
  }

  /** Handles one delivery; resolves when it may be acknowledged, or to a Nack to requeue it. Never rejects. */
  async handle(delivery: IdempotentDelivery): Promise<void | Nack> {
    if (this.stopping) return this.handBack(delivery.consumer);
    let letGo!: () => void;
    const abandoned = new Promise<Nack>((resolve) => (letGo = () => resolve(new Nack(true))));
    const work = this.handleSafely(delivery);
    this.inFlight.set(work, letGo);
    void work.finally(() => this.inFlight.delete(work));
    return Promise.race([work, abandoned]);
  }

  private async handleSafely(delivery: IdempotentDelivery): Promise<void | Nack> {
    try {
      return await this.process(delivery);
    } catch (error) {
      // Not even the envelope may be readable here: name the message by what the broker gave.
      const id = String(delivery.message?.properties?.messageId ?? '(no message id)');
      const envelope = { id, type: '', source: '', time: 0, correlationId: id, attempt: 0 };
      return this.requeue(
        { consumer: delivery.consumer, queue: delivery.queue, message: delivery.message, envelope },
        error,
      );
    }
  }

  private async process(delivery: IdempotentDelivery): Promise<void | Nack> {
    const envelope = envelopeOf(delivery.message);
    const failed: FailedDelivery = {
      consumer: delivery.consumer,
      queue: delivery.queue,
      message: delivery.message,
      envelope,
    };
    if (delivery.payload instanceof PoisonMessage) {
      return this.park(failed, new UnrecoverableMessageError(delivery.payload.reason), 'POISON');
    }
    let key: string;
    try {
      key = delivery.key ? delivery.key(delivery.payload, envelope) : envelope.id;
      if (typeof key !== 'string' || key.length === 0 || key.length > 191) {
        throw new Error(`dedup key must be a string of 1 to 191 characters, got ${JSON.stringify(key)}`);
      }
    } catch (error) {
      return this.park(failed, new UnrecoverableMessageError((error as Error).message), 'UNRECOVERABLE');
    }
    const claimed: Claimed = { delivery, key, failed };
    if (this.options.consumer.maxBatch === 1) return this.applyAlone(claimed);
    let group = this.groups.get(delivery.consumer);
    if (!group) {
      group = new GroupCommit((items) => this.applyBatch(items), this.options.consumer.maxBatch);
      this.groups.set(delivery.consumer, group);
    }
    return group.add(claimed);
  }

  /**
   * Applies deliveries of one consumer in one transaction; when that fails (a handler threw, the
   * commit failed) each runs again alone, so only the failing one goes to the retry ladder.
   */
  private async applyBatch(items: Claimed[]): Promise<Array<void | Nack>> {
    if (items.length === 1) return [await this.applyAlone(items[0])];
    let applied: boolean[];
    try {
      applied = await withDeadlockRetry(() => this.txHost.withTransaction(() => this.applyInTransaction(items)));
      this.metrics.batchCommitted(items[0].delivery.consumer, items.length);
    } catch {
      // A handler threw, or the batch could not commit: nothing of it is left. Each delivery runs
      // again alone, as without group commit (its handler may thus run twice; only one run ever
      // commits), so a failure is recorded, or a delivery requeued, for that delivery only.
      return Promise.all(items.map((item) => this.applyAlone(item)));
    }
    const outcomes: Array<void | Nack> = [];
    for (const [i, item] of items.entries()) outcomes.push(await this.settled(item, applied[i]));
    return outcomes;
  }

  private async applyAlone(item: Claimed): Promise<void | Nack> {
    try {
      const [applied] = await withDeadlockRetry(() =>
        this.txHost.withTransaction(() => this.applyInTransaction([item])),
      );
      this.metrics.batchCommitted(item.delivery.consumer, 1);
      return await this.settled(item, applied);
    } catch (error) {
      if (error instanceof UnrecoverableMessageError) return this.park(item.failed, error, 'UNRECOVERABLE');
      return this.retryLater(item.failed, error);
    }
  }

  /** In the ambient transaction: per delivery, the dedup row, then the handler unless it is a duplicate. */
  private async applyInTransaction(items: Claimed[]): Promise<boolean[]> {
    const applied: boolean[] = [];
    for (const { delivery, key, failed } of items) {
      // Read by the outbox when the handler sends messages; the handlers of a batch run one by one.
      this.cls.set(CORRELATION_ID, failed.envelope.correlationId);
      const fresh = await this.claim(delivery.consumer, key, failed.envelope.id);
      if (fresh) await delivery.invoke();
      applied.push(fresh);
    }
    if (applied.includes(true)) crashIf(this.options.crashPoint, 'consumer-before-commit');
    return applied;
  }

  /** After the commit: metrics, the ladder entry of a redelivery resolved. */
  private async settled({ key, failed }: Claimed, applied: boolean): Promise<void> {
    if (applied) crashIf(this.options.crashPoint, 'consumer-before-ack');
    this.metrics.messageConsumed(failed.consumer, applied ? 'applied' : 'duplicate');
    if (!applied)
      this.logger.debug(`${failed.consumer}: duplicate ${key} (message ${failed.envelope.id}) acknowledged`);
    if (failed.message.properties.headers?.[REDELIVERED_HEADER]) {
      await this.failures.resolved(failed.consumer, failed.envelope.id).catch(() => undefined);
    }
  }

  /** Inserts the dedup row in the ambient transaction; false when the effect was already applied. */
  private async claim(consumer: string, key: string, messageId: string): Promise<boolean> {
    try {
      await this.txHost.tx.query(`INSERT INTO txmsg_dedup (consumer, dedup_key, message_id) VALUES (?, ?, ?)`, [
        consumer,
        key,
        messageId,
      ]);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  private async retryLater(failed: FailedDelivery, error: unknown): Promise<void | Nack> {
    try {
      const outcome = await this.failures.recordFailure(failed, error);
      const what = `${failed.consumer} failed on ${failed.envelope.id} (attempt ${outcome.attempts}): ${(error as Error)?.message ?? error}`;
      this.metrics.messageConsumed(failed.consumer, 'parked' in outcome ? 'parked' : 'retry');
      if ('parked' in outcome) this.logger.error(`${what}; parked (${outcome.parked})`);
      else {
        this.logger.warn(`${what}; retrying in ${outcome.retryInMs} ms`);
        if (outcome.retryInMs <= 60_000) setTimeout(() => this.retries.wake(), outcome.retryInMs).unref();
      }
    } catch (recordError) {
      return this.requeue(failed, recordError);
    }
  }

  private async park(failed: FailedDelivery, error: Error, reason: 'POISON' | 'UNRECOVERABLE'): Promise<void | Nack> {
    try {
      await this.failures.park(failed, reason, error);
      this.metrics.messageConsumed(failed.consumer, 'parked');
      this.logger.error(`${failed.consumer}: message ${failed.envelope.id} parked (${reason}): ${error.message}`);
    } catch (recordError) {
      return this.requeue(failed, recordError);
    }
  }

  /**
   * The outcome could not be recorded (the database is unreachable) or something unforeseen
   * failed: hand the message back to the broker, after a pause so a lasting fault does not spin
   * (no pause once the application is stopping: the delivery belongs to another instance now).
   */
  private async requeue(failed: FailedDelivery, error: unknown): Promise<Nack> {
    this.logger.error(
      `${failed.consumer}: could not record the outcome of ${failed.envelope.id}, requeueing it: ${(error as Error)?.message ?? error}`,
    );
    this.metrics.messageConsumed(failed.consumer, 'requeued');
    if (!this.stopping) await new Promise((resolve) => setTimeout(resolve, REQUEUE_PAUSE_MS));
    return new Nack(true);
  }

  /** A delivery that arrived while the application stops: untouched, back to the queue. */
  private handBack(consumer: string): Nack {
    this.metrics.messageConsumed(consumer, 'requeued');
    return new Nack(true);
  }
}

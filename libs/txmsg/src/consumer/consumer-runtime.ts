import type { Nack } from '@golevelup/nestjs-rabbitmq';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { envelopeOf } from '../envelope';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { GroupCommit } from '../support/group-commit';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { DeliveryApplier } from './delivery-applier';
import type { FailedDelivery } from './failed-delivery';
import { FailureOutcomes } from './failure-outcomes';
import { FailureRecorder } from './failure-recorder';
import { type Claimed, dedupKeyOf, type IdempotentDelivery } from './idempotent-delivery';
import { InFlight } from './in-flight';
import { PoisonMessage, UnrecoverableMessageError } from './poison-message';
import { RetryScheduler } from './retry-scheduler';

export type { IdempotentDelivery } from './idempotent-delivery';

/**
 * What runs behind {@link Idempotent}: one per application, bound to its consumer instances at
 * bootstrap. It classifies every outcome of a delivery — applied, duplicate, retry later, parked,
 * back to the queue — and never lets one be rejected without a decision of its own: anything it
 * did not foresee (a bug, the database gone, the application stopping) sends the delivery back to
 * the queue. On shutdown it stops taking deliveries and waits for those in flight.
 */
@Injectable()
export class ConsumerRuntime {
  private readonly groups = new Map<string, GroupCommit<Claimed, void | Nack>>();
  private readonly inFlight = new InFlight();
  private readonly outcomes: FailureOutcomes;
  private readonly applier: DeliveryApplier;
  private stopping = false;

  constructor(
    txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    cls: ClsService,
    failures: FailureRecorder,
    retries: RetryScheduler,
    metrics: TxMsgMetrics,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.outcomes = new FailureOutcomes(failures, retries, metrics, () => this.stopping);
    this.applier = new DeliveryApplier(txHost, cls, failures, this.outcomes, metrics, options);
  }

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
    return this.inFlight.drain(timeoutMs);
  }

  /** Handles one delivery; resolves when it may be acknowledged, or to a Nack to requeue it. Never rejects. */
  async handle(delivery: IdempotentDelivery): Promise<void | Nack> {
    if (this.stopping) return this.outcomes.handBack(delivery.consumer);
    return this.inFlight.track(this.handleSafely(delivery));
  }

  private async handleSafely(delivery: IdempotentDelivery): Promise<void | Nack> {
    try {
      return await this.process(delivery);
    } catch (error) {
      // Not even the envelope may be readable here: name the message by what the broker gave.
      const id = String(delivery.message?.properties?.messageId ?? '(no message id)');
      const envelope = { id, type: '', source: '', time: 0, correlationId: id, attempt: 0 };
      const { consumer, queue, message } = delivery;
      return this.outcomes.requeue({ consumer, queue, message, envelope }, error);
    }
  }

  private async process(delivery: IdempotentDelivery): Promise<void | Nack> {
    const envelope = envelopeOf(delivery.message);
    const { consumer, queue, message } = delivery;
    const failed: FailedDelivery = { consumer, queue, message, envelope };
    if (delivery.payload instanceof PoisonMessage) {
      return this.outcomes.park(failed, new UnrecoverableMessageError(delivery.payload.reason), 'POISON');
    }
    let key: string;
    try {
      key = dedupKeyOf(delivery, envelope);
    } catch (error) {
      return this.outcomes.park(failed, new UnrecoverableMessageError((error as Error).message), 'UNRECOVERABLE');
    }
    const claimed: Claimed = { delivery, key, failed };
    if (this.options.consumer.maxBatch === 1) return this.applier.applyAlone(claimed);
    let group = this.groups.get(delivery.consumer);
    if (!group) {
      group = new GroupCommit((items) => this.applier.applyBatch(items), this.options.consumer.maxBatch);
      this.groups.set(delivery.consumer, group);
    }
    return group.add(claimed);
  }
}

import type { Nack } from '@golevelup/nestjs-rabbitmq';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { ClsService } from 'nestjs-cls';
import { DeadLetterQueues } from '../broker/dead-letter-queues';
import { envelopeOf } from '../envelope';
import { HeldSender } from '../ordering/held-sender';
import { orderingOf } from '../ordering/ordering-headers';
import { OrderingStore } from '../store/ordering-store';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { DedupStore } from '../store/dedup-store';
import { MessageVerifier } from '../signing/message-verifier';
import { topicMatches } from '../signing/topic-pattern';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { type ConsumeSpan, noteOutcome, startConsumeSpan } from './consume-span';
import { ConsumerGroups } from './consumer-groups';
import { DeliveryApplier } from './delivery-applier';
import { failedDeliveryOf } from './failed-delivery';
import { FailureOutcomes } from './failure-outcomes';
import { FailureRecorder } from './failure-recorder';
import { dedupKeyOf } from './dedup-key';
import type { Claimed, IdempotentDelivery } from './idempotent-delivery';
import { InFlight } from './in-flight';
import { PoisonMessage, UnrecoverableMessageError } from './poison-message';
import { RetryScheduler } from './retry-scheduler';

/**
 * What runs behind {@link Idempotent}: one per application, bound to its consumer instances at
 * bootstrap. It classifies every outcome of a delivery — applied, duplicate, retry later, parked,
 * back to the queue — and never lets one be rejected without a decision of its own: anything it
 * did not foresee (a bug, the database gone, the application stopping) sends the delivery back to
 * the queue. On shutdown it stops taking deliveries and waits for those in flight.
 *
 * Hostile input is parked before it can cost anything: an oversized body unparsed, a message not
 * signed by a trusted producer (when `messages.signing` is set) before its dedup key or handler,
 * a body that is not JSON or nested too deep before the dedup row; a different body under a
 * dedup key already applied is parked as a conflict, never taken for a duplicate.
 */
@Injectable()
export class ConsumerRuntime {
  private readonly groups: ConsumerGroups;
  private readonly inFlight = new InFlight();
  private readonly outcomes: FailureOutcomes;
  private readonly applier: DeliveryApplier;
  private readonly verifier?: MessageVerifier;
  private stopping = false;

  constructor(
    txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    cls: ClsService,
    dedup: DedupStore,
    failures: FailureRecorder,
    retries: RetryScheduler,
    deadLetters: DeadLetterQueues,
    metrics: TxMsgMetrics,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
    private readonly ordering: OrderingStore,
    private readonly heldSender: HeldSender,
  ) {
    this.outcomes = new FailureOutcomes(failures, retries, deadLetters, metrics, options, () => this.stopping);
    const { signing } = options.messages;
    if (signing) this.verifier = new MessageVerifier(signing.keys, signing.maxAgeMs);
    this.applier = new DeliveryApplier(
      txHost,
      cls,
      dedup,
      failures,
      this.outcomes,
      metrics,
      options,
      ordering,
      heldSender,
    );
    this.groups = new ConsumerGroups((items) => this.applier.applyBatch(items), options.consumer.maxBatch);
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
   * Stops taking deliveries (each new one goes back to the queue) and resolves once those in
   * flight have settled, or after `timeoutMs`; those still running are then let go of (requeued)
   * — a transaction stuck on a lock must not hold the shutdown past its grace period. Should such
   * a handler still commit, its dedup row makes the redelivery a duplicate; if it never does, the
   * process exits and the database rolls it back. Returns how many were let go.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.stopping = true;
    return this.inFlight.drain(timeoutMs);
  }

  /** Handles one delivery; resolves when it may be acknowledged, or to a Nack to requeue it. Never rejects. */
  async handle(delivery: IdempotentDelivery): Promise<void | Nack> {
    if (this.stopping) return this.outcomes.handBack(delivery.consumer);
    const traced = startConsumeSpan(delivery);
    if (!traced) return this.inFlight.track(this.handleSafely(delivery, undefined));
    const handled = context.with(traced.context, () => this.handleSafely(delivery, traced));
    return this.inFlight.track(handled.finally(() => traced.span.end()));
  }

  private async handleSafely(delivery: IdempotentDelivery, traced: ConsumeSpan | undefined): Promise<void | Nack> {
    try {
      return await this.process(delivery, traced);
    } catch (error) {
      noteOutcome(traced?.span, 'requeued');
      return this.outcomes.requeue(failedDeliveryOf(delivery), error);
    }
  }

  private async process(delivery: IdempotentDelivery, traced: ConsumeSpan | undefined): Promise<void | Nack> {
    const envelope = envelopeOf(delivery.message);
    const failed = failedDeliveryOf(delivery, envelope);
    if (traced) failed.span = traced.span;
    const poison = delivery.payload instanceof PoisonMessage ? delivery.payload : undefined;
    if (poison?.kind === 'OVERSIZED') {
      return this.outcomes.park(failed, new UnrecoverableMessageError(poison.reason), 'OVERSIZED');
    }
    // Before anything of the message is believed: its dedup key, its handler.
    const forgery = this.verifier?.forgeryOf(delivery.message, (routingKey) => accepts(delivery, routingKey));
    if (forgery) return this.outcomes.park(failed, new UnrecoverableMessageError(forgery), 'FORGED');
    if (poison) return this.outcomes.park(failed, new UnrecoverableMessageError(poison.reason), 'POISON');
    const position = delivery.ordered ? orderingOf(delivery.message) : undefined;
    if (typeof position === 'string') {
      return this.outcomes.park(failed, new UnrecoverableMessageError(position), 'UNRECOVERABLE');
    }
    if (position && delivery.ordered?.skipOnPark) {
      const { source, key: orderingKey, seq } = position;
      failed.afterPark = async () => {
        if (await this.ordering.skipTo(delivery.consumer, source, orderingKey, seq)) this.heldSender.wake();
      };
    }
    let key: string;
    try {
      // A typed handler's key is read from its validated event: an invalid payload fails here.
      key = dedupKeyOf(delivery, envelope);
      failed.dedupKey = key;
    } catch (error) {
      // Parked like a handler's failure, so it holds back the later messages of its ordering key.
      if (position) await this.applier.blockKey(delivery.consumer, position);
      return this.outcomes.park(failed, new UnrecoverableMessageError((error as Error).message), 'UNRECOVERABLE');
    }
    const claimed: Claimed = { delivery, key, failed, trace: traced?.context, position };
    if (this.options.consumer.maxBatch === 1) return this.applier.applyAlone(claimed);
    return this.groups.add(claimed);
  }
}

/** Whether the subscription of `delivery` binds `routingKey` (any, when it names no routing key). */
function accepts(delivery: IdempotentDelivery, routingKey: string): boolean {
  const patterns = delivery.routingKeys;
  return !patterns || patterns.length === 0 || patterns.some((pattern) => topicMatches(pattern, routingKey));
}

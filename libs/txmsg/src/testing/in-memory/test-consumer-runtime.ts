import { Injectable } from '@nestjs/common';
import { ConsumerRuntime } from '../../consumer/consumer-runtime';
import type { IdempotentDelivery } from '../../consumer/idempotent-delivery';
import { envelopeOf } from '../../envelope';
import type { ConsumeOutcome } from '../../metrics/txmsg-metrics';
import { OutcomeMetrics } from './test-doubles';

/** One delivery to an `@Idempotent` handler and what became of it. */
export interface ConsumedMessage<T = unknown> {
  consumer: string;
  queue?: string;
  messageId: string;
  routingKey: string;
  /** The body as parsed from JSON (what the handler was given). */
  payload: T;
  headers: Record<string, unknown>;
  /** Failed attempts before this one (0 on first delivery). */
  attempt: number;
  /**
   * `applied` (the handler ran and its transaction committed), `duplicate` (its dedup key was
   * applied before), `retry` (it threw; on the ladder), `parked`, `conflict` (another body was
   * applied under its dedup key), `forged`, `requeued` (an outcome could not be recorded).
   */
  outcome: ConsumeOutcome | 'unsettled';
}

/**
 * The runtime bound to the application's consumer instances under TxMsgTestingModule: the
 * library's own consumer runtime (dedup, retry policies, parking, conflicts, the handler's
 * transaction), over the in-memory stores, with each delivery noted for the harness. Ordered
 * consumers are run as unordered ones: the harness delivers in commit order, so nothing arrives
 * early and nothing needs holding back.
 */
@Injectable()
export class TestConsumerRuntime implements Pick<ConsumerRuntime, 'handle'> {
  /** Every delivery handled, in order. */
  readonly consumed: ConsumedMessage[] = [];

  constructor(
    private readonly runtime: ConsumerRuntime,
    private readonly metrics: OutcomeMetrics,
  ) {}

  async handle(delivery: IdempotentDelivery): ReturnType<ConsumerRuntime['handle']> {
    const { message } = delivery;
    const note = { outcome: undefined as ConsumeOutcome | undefined };
    const result = await this.metrics.noting(note, () => this.runtime.handle({ ...delivery, ordered: undefined }));
    this.consumed.push({
      consumer: delivery.consumer,
      queue: delivery.queue,
      messageId: envelopeOf(message).id,
      routingKey: message.fields.routingKey,
      payload: delivery.payload,
      headers: message.properties.headers ?? {},
      attempt: envelopeOf(message).attempt,
      outcome: note.outcome ?? 'unsettled',
    });
    return result;
  }
}

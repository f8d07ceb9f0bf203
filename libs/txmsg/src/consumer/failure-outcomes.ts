import { Nack } from '@golevelup/nestjs-rabbitmq';
import { Logger } from '@nestjs/common';
import type { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { errorText } from '../support/error-text';
import { noteOutcome } from './consume-span';
import type { FailedDelivery } from './failed-delivery';
import type { FailureRecorder } from './failure-recorder';
import type { RetryScheduler } from './retry-scheduler';

/** How long a delivery whose failure could not be recorded waits before it is requeued. */
const REQUEUE_PAUSE_MS = 1000;

/**
 * The outcomes of a delivery that was not applied, for {@link ConsumerRuntime}: retry later on
 * the ladder, park, or — when even that cannot be recorded — back to the queue.
 */
export class FailureOutcomes {
  private readonly logger = new Logger('ConsumerRuntime');

  constructor(
    private readonly failures: FailureRecorder,
    private readonly retries: RetryScheduler,
    private readonly metrics: TxMsgMetrics,
    private readonly isStopping: () => boolean,
  ) {}

  async retryLater(failed: FailedDelivery, error: unknown): Promise<void | Nack> {
    try {
      const outcome = await this.failures.recordFailure(failed, error);
      const what = `${failed.consumer} failed on ${failed.envelope.id} (attempt ${outcome.attempts}): ${errorText(error)}`;
      this.metrics.messageConsumed(failed.consumer, 'parked' in outcome ? 'parked' : 'retry');
      noteOutcome(failed.span, 'parked' in outcome ? 'parked' : 'retried');
      if ('parked' in outcome) this.logger.error(`${what}; parked (${outcome.parked})`);
      else {
        this.logger.warn(`${what}; retrying in ${outcome.retryInMs} ms`);
        if (outcome.retryInMs <= 60_000) setTimeout(() => this.retries.wake(), outcome.retryInMs).unref();
      }
    } catch (recordError) {
      return this.requeue(failed, recordError);
    }
  }

  async park(failed: FailedDelivery, error: Error, reason: 'POISON' | 'UNRECOVERABLE'): Promise<void | Nack> {
    try {
      await this.failures.park(failed, reason, error);
      this.metrics.messageConsumed(failed.consumer, 'parked');
      noteOutcome(failed.span, 'parked');
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
  async requeue(failed: FailedDelivery, error: unknown): Promise<Nack> {
    this.logger.error(
      `${failed.consumer}: could not record the outcome of ${failed.envelope.id}, requeueing it: ${errorText(error)}`,
    );
    this.metrics.messageConsumed(failed.consumer, 'requeued');
    noteOutcome(failed.span, 'requeued');
    if (!this.isStopping()) await new Promise((resolve) => setTimeout(resolve, REQUEUE_PAUSE_MS));
    return new Nack(true);
  }

  /** A delivery that arrived while the application stops: untouched, back to the queue. */
  handBack(consumer: string): Nack {
    this.metrics.messageConsumed(consumer, 'requeued');
    return new Nack(true);
  }
}

import { Nack } from '@golevelup/nestjs-rabbitmq';
import { Logger } from '@nestjs/common';
import type { DeadLetterQueues } from '../broker/dead-letter-queues';
import type { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { errorText } from '../support/error-text';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { noteOutcome } from './consume-span';
import type { FailedDelivery } from './failed-delivery';
import type { ParkReason } from './failed-message';
import type { FailureRecorder } from './failure-recorder';
import type { RetryScheduler } from './retry-scheduler';
import { UnrecordedDeliveries } from './unrecorded-deliveries';

/** How long a delivery whose failure could not be recorded waits before it is requeued. */
const REQUEUE_PAUSE_MS = 1000;

/** The reasons a delivery is parked at once, without the ladder. */
export type ParkAtOnce = Exclude<ParkReason, 'EXHAUSTED' | 'NO_QUEUE' | 'NOT_RETRIED'>;

/**
 * The outcomes of a delivery that was not applied, for {@link ConsumerRuntime}: retry later on
 * the ladder, park, or — when even that cannot be recorded — back to the queue, and after a
 * bounded number of such tries to the queue's broker-side parking queue.
 */
export class FailureOutcomes {
  private readonly logger = new Logger('ConsumerRuntime');
  private readonly unrecorded: UnrecordedDeliveries;

  constructor(
    private readonly failures: FailureRecorder,
    private readonly retries: RetryScheduler,
    private readonly deadLetters: DeadLetterQueues,
    private readonly metrics: TxMsgMetrics,
    options: ResolvedTxMsgOptions,
    private readonly isStopping: () => boolean,
  ) {
    this.unrecorded = new UnrecordedDeliveries(options.consumer.unrecordedTries, options.consumer.unrecordedForMs);
  }

  async retryLater(failed: FailedDelivery, error: unknown): Promise<void | Nack> {
    try {
      const outcome = await this.failures.recordFailure(failed, error);
      this.unrecorded.recorded(keyOf(failed));
      const what = `${failed.consumer} failed on ${failed.envelope.id} (attempt ${outcome.attempts}): ${errorText(error)}`;
      if ('parked' in outcome) {
        this.noteParked(failed, outcome.parked, `${what}; parked (${outcome.parked})`);
        await this.afterPark(failed);
      } else {
        this.metrics.messageConsumed(failed.consumer, 'retry');
        noteOutcome(failed.span, 'retried');
        this.logger.warn(`${what}; retrying in ${outcome.retryInMs} ms`);
        if (outcome.retryInMs <= 60_000) setTimeout(() => this.retries.wake(), outcome.retryInMs).unref();
      }
    } catch (recordError) {
      return this.requeue(failed, recordError);
    }
  }

  /**
   * Parks a delivery at once. An `OVERSIZED` one keeps only its first bytes in the database; its
   * whole body goes on to the queue's broker-side parking queue when there is one.
   */
  async park(failed: FailedDelivery, error: Error, reason: ParkAtOnce): Promise<void | Nack> {
    try {
      const parked = await this.failures.park(failed, reason, error);
      this.unrecorded.recorded(keyOf(failed));
      this.noteParked(
        failed,
        parked,
        `${failed.consumer}: message ${failed.envelope.id} parked (${parked}): ${error.message}`,
      );
      await this.afterPark(failed);
      if (parked === 'OVERSIZED' && failed.queue !== undefined && this.deadLetters.has(failed.queue)) {
        return new Nack(false);
      }
    } catch (recordError) {
      return this.requeue(failed, recordError);
    }
  }

  /**
   * The outcome could not be recorded (the database refused the row or is unreachable) or
   * something unforeseen failed: hand the message back to the broker, after a pause so a lasting
   * fault does not spin (no pause once the application is stopping: the delivery belongs to
   * another instance now). After `consumer.unrecordedTries` refusals, or `unrecordedForMs` of the
   * database being down, it is dead-lettered to the queue's parking queue instead.
   */
  async requeue(failed: FailedDelivery, error: unknown): Promise<Nack> {
    const what = `${failed.consumer}: could not record the outcome of ${failed.envelope.id}`;
    if (!this.isStopping()) {
      const answered = await this.failures.databaseAnswers().catch(() => false);
      const leave = this.unrecorded.failed(keyOf(failed), answered);
      if (leave && failed.queue !== undefined && this.deadLetters.has(failed.queue)) {
        this.logger.error(
          `${what}, dead-lettered to ${failed.queue}.parked after bounded tries (requeue it with the admin API once fixed): ${errorText(error)}`,
        );
        this.metrics.messageConsumed(failed.consumer, 'dead_lettered');
        noteOutcome(failed.span, 'parked');
        return new Nack(false);
      }
    }
    this.logger.error(`${what}, requeueing it: ${errorText(error)}`);
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

  /** What the delivery asked to be done once parked; its failure leaves the message parked, and is logged. */
  private async afterPark(failed: FailedDelivery): Promise<void> {
    await failed.afterPark?.().catch((error: unknown) => {
      this.logger.error(`${failed.consumer}: after parking ${failed.envelope.id}: ${errorText(error)}`);
    });
  }

  private noteParked(failed: FailedDelivery, reason: ParkReason, line: string): void {
    this.metrics.messageConsumed(
      failed.consumer,
      reason === 'CONFLICT' ? 'conflict' : reason === 'FORGED' ? 'forged' : 'parked',
    );
    noteOutcome(failed.span, 'parked');
    this.logger.error(line);
  }
}

function keyOf(failed: FailedDelivery): string {
  return `${failed.consumer}\0${failed.envelope.id}\0${failed.payloadHash}`;
}

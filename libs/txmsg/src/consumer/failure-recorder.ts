import { Inject, Injectable } from '@nestjs/common';
import { ladderDelay } from '../ladder';
import type { RecordedFailure } from '../store/failure-rows';
import { FailureStore } from '../store/failure-store';
import { errorText } from '../support/error-text';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import type { FailedDelivery, FailureOutcome } from './failed-delivery';
import type { ParkReason } from './failed-message';
import { failureRowOf } from './failure-row';

/** The failure rows already kept for a message id: this body's attempts, and any other body's. */
interface Recorded {
  attempts: number;
  other?: { payloadHash: string; status: string; reason: string | null };
}

/**
 * The retry ladder and the parking lot as the consumer runtime writes them, kept in the
 * service's database so they survive broker and process restarts (a TTL + dead-letter ladder on
 * classic queues can lose messages while dead-lettering). The delivery is acknowledged only
 * after the row is committed; each write is a short transaction of its own (see
 * {@link FailureStore.record}).
 *
 * A body that differs from one already recorded under the same message id gets a row of its own,
 * parked as `CONFLICT`: neither body is overwritten, and an operator sees both.
 */
@Injectable()
export class FailureRecorder {
  constructor(
    private readonly store: FailureStore,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /**
   * Counts one more failure of this message for this consumer and schedules the next rung of the
   * ladder, or parks the message after the last rung.
   */
  async recordFailure(delivery: FailedDelivery, error: unknown): Promise<FailureOutcome> {
    return this.store.record(delivery.consumer, delivery.envelope.id, (rows) => {
      const recorded = recordedSoFar(rows, delivery);
      const attempts = recorded.attempts + 1;
      const delay = ladderDelay(this.options.retry.ladderMs, attempts);
      const outcome: FailureOutcome = recorded.other
        ? { parked: 'CONFLICT', attempts }
        : delivery.queue === undefined
          ? { parked: 'NO_QUEUE', attempts }
          : delay === undefined
            ? { parked: 'EXHAUSTED', attempts }
            : { retryInMs: delay, attempts };
      const lastError = conflictNote(recorded) + errorText(error, { withName: true });
      return { row: failureRowOf(delivery, outcome, lastError), result: outcome };
    });
  }

  /** Parks a message at once (poison, unrecoverable, forged, a conflict); returns the reason recorded. */
  async park(delivery: FailedDelivery, reason: ParkReason, error: unknown): Promise<ParkReason> {
    return this.store.record(delivery.consumer, delivery.envelope.id, (rows) => {
      const recorded = recordedSoFar(rows, delivery);
      const parked = recorded.other && reason !== 'OVERSIZED' ? 'CONFLICT' : reason;
      const note = conflictNote(recorded) + (parked === reason ? '' : `${reason}: `);
      const outcome = { parked, attempts: recorded.attempts + 1 };
      return { row: failureRowOf(delivery, outcome, note + errorText(error, { withName: true })), result: parked };
    });
  }

  /** Forgets the failures of a message that has now been handled. */
  async resolved(delivery: FailedDelivery): Promise<void> {
    await this.store.resolve(delivery.consumer, delivery.envelope.id, delivery.payloadHash);
  }

  /** Whether the database answers at all: tells a row it refused from a database that is down. */
  async databaseAnswers(): Promise<boolean> {
    return this.store.databaseAnswers();
  }
}

/** The rows kept for this message id (locked): this body's attempts so far, and any other body's row. */
function recordedSoFar(rows: RecordedFailure[], delivery: FailedDelivery): Recorded {
  const own = rows.find((row) => row.payloadHash === delivery.payloadHash);
  const other = rows.find((row) => row.payloadHash !== delivery.payloadHash);
  return {
    attempts: own ? own.attempts : 0,
    other: other && { payloadHash: other.payloadHash, status: other.status, reason: other.reason },
  };
}

function conflictNote({ other }: Recorded): string {
  if (!other) return '';
  const state = other.reason ? `${other.status} ${other.reason}` : other.status;
  return `another body (sha256 ${other.payloadHash}, ${state}) is recorded under this message id; `;
}

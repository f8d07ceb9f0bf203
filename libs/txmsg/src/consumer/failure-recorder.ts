import { Injectable } from '@nestjs/common';
import { FailureAnnouncer } from '../failure-hooks/failure-announcer';
import { outcomeOfPark } from '../failure-hooks/failure-event';
import { retryDelay } from '../retry/resolve-retry-policy';
import type { FailureWrite, RecordedFailure } from '../store/failure-rows';
import { FailureStore } from '../store/failure-store';
import type { Queryable } from '../store/store-database';
import { errorText } from '../support/error-text';
import type { FailedDelivery, FailureOutcome } from './failed-delivery';
import type { ParkReason } from './failed-message';
import { failureRowOf } from './failure-row';
import { RetryPolicies } from './retry-policies';

/** The failure rows already kept for a message id: this body's attempts and status, and any other body's. */
interface Recorded {
  attempts: number;
  status?: string;
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
 *
 * Each consumer climbs the ladder of its own retry policy ({@link RetryPolicies}): its delays
 * (jittered), its attempts, and an error it does not retry parked at once as `NOT_RETRIED`. A
 * message that becomes parked is announced to the failure hooks that hear it in the same
 * transaction (a redelivery of a message already parked is not announced again).
 */
@Injectable()
export class FailureRecorder {
  constructor(
    private readonly store: FailureStore,
    private readonly policies: RetryPolicies,
    private readonly announcer: FailureAnnouncer,
  ) {}

  /**
   * Counts one more failure of this message for this consumer and schedules the next rung of its
   * ladder; parks the message after the last rung, or at once when its policy does not retry `error`.
   */
  async recordFailure(delivery: FailedDelivery, error: unknown): Promise<FailureOutcome> {
    const policy = this.policies.of(delivery.consumer);
    const announced = { written: false };
    const outcome = await this.store.record(delivery.consumer, delivery.envelope.id, (rows) => {
      const recorded = recordedSoFar(rows, delivery);
      const attempts = recorded.attempts + 1;
      const delay = retryDelay(policy, attempts);
      const outcome: FailureOutcome = recorded.other
        ? { parked: 'CONFLICT', attempts }
        : delivery.queue === undefined
          ? { parked: 'NO_QUEUE', attempts }
          : !policy.retries(error)
            ? { parked: 'NOT_RETRIED', attempts }
            : delay === undefined
              ? { parked: 'EXHAUSTED', attempts }
              : { retryInMs: delay, attempts };
      const lastError = conflictNote(recorded) + errorText(error, { withName: true });
      const row = failureRowOf(delivery, outcome, lastError, error);
      return { row, result: outcome, then: this.announcement(recorded, row, announced) };
    });
    if (announced.written) this.announcer.committed();
    return outcome;
  }

  /** Parks a message at once (poison, unrecoverable, forged, a conflict); returns the reason recorded. */
  async park(delivery: FailedDelivery, reason: ParkReason, error: unknown): Promise<ParkReason> {
    const announced = { written: false };
    const recorded = await this.store.record(delivery.consumer, delivery.envelope.id, (rows) => {
      const recorded = recordedSoFar(rows, delivery);
      const parked = recorded.other && reason !== 'OVERSIZED' ? 'CONFLICT' : reason;
      const note = conflictNote(recorded) + (parked === reason ? '' : `${reason}: `);
      const outcome = { parked, attempts: recorded.attempts + 1 };
      const row = failureRowOf(delivery, outcome, note + errorText(error, { withName: true }), error);
      return { row, result: parked, then: this.announcement(recorded, row, announced) };
    });
    if (announced.written) this.announcer.committed();
    return recorded;
  }

  /**
   * What writes the announcement of a message parked just now, when a hook hears it: nothing for
   * a row still waiting, or one that was already parked.
   */
  private announcement(recorded: Recorded, row: FailureWrite, announced: { written: boolean }) {
    if (row.status !== 'PARKED' || recorded.status === 'PARKED') return undefined;
    const reason = row.reason as ParkReason;
    const outcome = outcomeOfPark(reason);
    if (!this.announcer.wants(outcome)) return undefined;
    return async (em: Queryable, failureId: string) => {
      await this.announcer.write(em, {
        outcome,
        consumer: row.consumer,
        messageId: row.messageId,
        queue: row.queue,
        routingKey: row.routingKey,
        reason,
        error: row.lastError.slice(0, 2000),
        attempts: row.attempts,
        parkedAt: new Date(),
        failureId,
      });
      announced.written = true;
    };
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
    status: own?.status,
    other: other && { payloadHash: other.payloadHash, status: other.status, reason: other.reason },
  };
}

function conflictNote({ other }: Recorded): string {
  if (!other) return '';
  const state = other.reason ? `${other.status} ${other.reason}` : other.status;
  return `another body (sha256 ${other.payloadHash}, ${state}) is recorded under this message id; `;
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DeadLetterQueues } from '../../broker/dead-letter-queues';
import type { RetryScheduler } from '../../consumer/retry-scheduler';
import type { FailureAnnouncer } from '../../failure-hooks/failure-announcer';
import type { UnnumberedEvent, TxMsgFailureEvent, TxMsgFailureOutcome } from '../../failure-hooks/failure-event';
import { FailureHookRegistry } from '../../failure-hooks/failure-hook-registry';
import type { ConsumeOutcome, TxMsgMetrics } from '../../metrics/txmsg-metrics';
import type { CommitDispatcher } from '../../outbox/commit-dispatcher';
import type { DelayedRelease } from '../../outbox/delayed-release';
import type { OutboxRelay } from '../../outbox/outbox-relay';
import type { HeldSender } from '../../ordering/held-sender';
import { AsyncLocalStorage } from 'node:async_hooks';

// The workers of the real module that wake on timers: in a test, `harness.drain()` does their
// work, so here they only say "nothing to do now".

/** The commit-time dispatch, never taking a row: the harness's drain publishes what committed. */
export class IdleDispatcher implements Pick<CommitDispatcher, 'take' | 'release'> {
  take(_manager: EntityManager): number {
    return 0;
  }
  release(): void {}
}

/** The relay, delayed release, retry scheduler and held sender, each woken for nothing. */
export class IdleWorker
  implements
    Pick<OutboxRelay, 'wakeAfterCommit'>,
    Pick<DelayedRelease, 'noteAfterCommit'>,
    Pick<RetryScheduler, 'wake'>,
    Pick<HeldSender, 'wake'>
{
  wakeAfterCommit(): void {}
  noteAfterCommit(): void {}
  wake(): void {}
}

/** No broker-side parking queues: a delivery is parked in the (in-memory) database only. */
export class NoDeadLetterQueues implements Pick<DeadLetterQueues, 'has'> {
  has(): boolean {
    return false;
  }
}

/** What one delivery came to, as the consumer runtime counts it. */
export interface OutcomeNote {
  outcome?: ConsumeOutcome;
}

/**
 * The consumer runtime's counters, turned into the outcome of the delivery being handled (the
 * runtime counts every delivery's outcome exactly once, before it settles).
 */
@Injectable()
export class OutcomeMetrics implements Pick<TxMsgMetrics, 'messageConsumed' | 'batchCommitted'> {
  private readonly current = new AsyncLocalStorage<OutcomeNote>();

  /** Runs `fn`, noting the outcome it counts in `note`. */
  noting<T>(note: OutcomeNote, fn: () => Promise<T>): Promise<T> {
    return this.current.run(note, fn);
  }

  messageConsumed(_consumer: string, outcome: ConsumeOutcome): void {
    const note = this.current.getStore();
    if (note) note.outcome = outcome;
  }

  batchCommitted(): void {}
}

/**
 * Failure announcements kept in memory and run by {@link takeAnnounced}'s caller (the harness's
 * drain), for the application's `@OnTxMsgFailure` hooks.
 */
@Injectable()
export class TestFailureAnnouncer implements Pick<FailureAnnouncer, 'wants' | 'write' | 'committed'> {
  private readonly announced: TxMsgFailureEvent[] = [];
  private next = 1;

  constructor(private readonly registry: FailureHookRegistry) {}

  wants(outcome: TxMsgFailureOutcome): boolean {
    return this.registry.wants(outcome);
  }

  async write(_em: unknown, event: UnnumberedEvent): Promise<void> {
    this.announced.push({ ...event, id: String(this.next++) } as TxMsgFailureEvent);
  }

  committed(): void {}

  /** Announces `events` again: their hooks threw, and run again at the next drain. */
  announceAgain(events: TxMsgFailureEvent[]): void {
    this.announced.push(...events);
  }

  /** Every announcement not yet taken. */
  takeAnnounced(): TxMsgFailureEvent[] {
    return this.announced.splice(0);
  }
}

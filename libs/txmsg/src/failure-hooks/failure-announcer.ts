import { Inject, Injectable } from '@nestjs/common';
import { FailureHookStore } from '../store/failure-hook-store';
import type { Queryable } from '../store/store-database';
import { crashIf } from '../support/crash-point';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { eventText } from './announced-event';
import type { TxMsgFailureOutcome, UnnumberedEvent } from './failure-event';
import { FailureHookDispatcher } from './failure-hook-dispatcher';
import { FailureHookRegistry } from './failure-hook-registry';

/**
 * How the mechanisms that record failures (the consumer's parking, the notifier giving up)
 * announce them to the application's failure hooks: the announcement is written in their own
 * transaction, and the hooks are run once it committed.
 */
@Injectable()
export class FailureAnnouncer {
  constructor(
    private readonly registry: FailureHookRegistry,
    private readonly store: FailureHookStore,
    private readonly dispatcher: FailureHookDispatcher,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /** Whether any hook hears `outcome`; if none does, nothing is written. */
  wants(outcome: TxMsgFailureOutcome): boolean {
    return this.registry.wants(outcome);
  }

  /** Writes the announcement of `event` in the transaction of `em` (the one recording the failure). */
  async write(em: Queryable, event: UnnumberedEvent): Promise<void> {
    await this.store.insert(em, { outcome: event.outcome, event: eventText(event) });
  }

  /** After the transaction that wrote announcements committed: their hooks run now rather than at the next scan. */
  committed(): void {
    crashIf(this.options.crashPoint, 'failure-before-hook');
    this.dispatcher.wake();
  }
}

import { SetMetadata } from '@nestjs/common';
import type { TxMsgFailureOutcome } from './failure-event';

/** Where {@link OnTxMsgFailure} keeps the outcomes a method hears, for {@link FailureHookRegistry}. */
export const FAILURE_HOOK = Symbol('txmsg.failure-hook');

/**
 * Runs the method when the library parks a message or gives up on a notification, with a
 * {@link TxMsgFailureEvent}: after the library's own transaction committed, outside any
 * transaction, in a CLS context of its own. The announcement is written with the failure, so it
 * survives a crash; the method runs once per outcome and per method, and again, with backoff on the
 * retry ladder, while it throws. After a crash between its return and the library noting it, it
 * may run a second time with the same `event.id`. What it does never changes the message: it stays
 * parked and requeueable. The class must be a provider of an application that imports TxMsgModule.
 *
 * @example
 * ```ts
 * @OnTxMsgFailure('exhausted', 'notification-exhausted')
 * async alert(event: TxMsgFailureEvent) { ... }
 * ```
 */
export function OnTxMsgFailure(...outcomes: [TxMsgFailureOutcome, ...TxMsgFailureOutcome[]]): MethodDecorator {
  return SetMetadata(FAILURE_HOOK, outcomes);
}

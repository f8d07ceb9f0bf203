import { Command } from '@nestjs/cqrs';

/**
 * What one pull did: `pulled` (a page applied and the cursor moved past it), `raced` (another
 * instance moved the cursor first: nothing done here), `unreachable` (pay gave no usable page:
 * nothing done).
 */
export type PulledPage =
  | { kind: 'pulled'; results: number; applied: number; hasMore: boolean }
  | { kind: 'raced' }
  | { kind: 'unreachable'; reason: string };

/**
 * Pulls the next page of pay's result list from account's stored cursor and applies every result
 * it has not applied yet (`appliedBy: "reconciler"`). Asking about known recharges cannot find
 * those account never heard of; the list does: it finds results account was never notified of, including recharges made at pay directly.
 * The new cursor commits in the transaction of the page's effects, so a crash neither skips nor
 * repeats a result; several instances may pull at once (the stored cursor is compared under its
 * row lock, and only one of them moves it).
 */
export class PullRechargeResultsCommand extends Command<PulledPage> {}

import type { LeasedFailureHook } from '../store/failure-hook-rows';
import type { TxMsgFailureEvent, UnnumberedEvent } from './failure-event';

/** The JSON kept for an event until its hooks have run: all of it but its id, which is the row's. */
export function eventText(event: UnnumberedEvent): string {
  return JSON.stringify(event);
}

/** The event a leased row announces, its dates revived, its id derived from the row (stable across runs). */
export function eventOfRow(row: LeasedFailureHook): TxMsgFailureEvent {
  const event = JSON.parse(row.event) as TxMsgFailureEvent & { parkedAt?: string; failedAt?: string };
  const id = `txmsg-failure-${row.id}`;
  if (event.outcome === 'notification-exhausted') return { ...event, id, failedAt: new Date(event.failedAt) };
  return { ...event, id, parkedAt: new Date(event.parkedAt) };
}

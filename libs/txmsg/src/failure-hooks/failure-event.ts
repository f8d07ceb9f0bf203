import type { ParkReason } from '../consumer/failed-message';

/**
 * What a failure hook can subscribe to. `parked` covers every parked message whatever the reason;
 * `exhausted`, `conflict` and `forged` only those parked for that reason (after the whole ladder,
 * another body under the same id or key, a bad or missing signature); `notification-exhausted` a
 * notification that ended FAILED.
 */
export type TxMsgFailureOutcome = 'parked' | 'exhausted' | 'conflict' | 'forged' | 'notification-exhausted';

/** A consumed message the library parked, as a failure hook receives it. */
export interface ParkedMessageEvent {
  /**
   * Stable across every run of this event's hooks, also after a crash: deduplicate side effects
   * on it (a hook may run more than once, see the README).
   */
  id: string;
  /** The most specific outcome: `exhausted`, `conflict` or `forged`, else `parked`. */
  outcome: Exclude<TxMsgFailureOutcome, 'notification-exhausted'>;
  consumer: string;
  messageId: string;
  queue: string;
  routingKey: string;
  reason: ParkReason;
  /** The last error, as recorded with the parked message. */
  error: string;
  /** Attempts made, the one that parked it included. */
  attempts: number;
  parkedAt: Date;
  /** Id of the parked row: what the admin API requeues or deletes. */
  failureId: string;
}

/** A notification whose attempts ended FAILED, as a failure hook receives it. */
export interface ExhaustedNotificationEvent {
  /** As {@link ParkedMessageEvent.id}. */
  id: string;
  outcome: 'notification-exhausted';
  notificationId: string;
  /** The receiver URL, its query string and fragment redacted. */
  target: string;
  type: string;
  subject: string | null;
  attempts: number;
  /** The last attempt's failure category (see `AttemptFailure`). */
  error: string;
  failedAt: Date;
}

/** What a failure hook receives. */
export type TxMsgFailureEvent = ParkedMessageEvent | ExhaustedNotificationEvent;

/** An event as announced, before its id is known (it is its announcement's). */
export type UnnumberedEvent = Omit<ParkedMessageEvent, 'id'> | Omit<ExhaustedNotificationEvent, 'id'>;

/** The outcome a message parked for `reason` is announced as. */
export function outcomeOfPark(reason: ParkReason): ParkedMessageEvent['outcome'] {
  return reason === 'EXHAUSTED'
    ? 'exhausted'
    : reason === 'CONFLICT'
      ? 'conflict'
      : reason === 'FORGED'
        ? 'forged'
        : 'parked';
}

/** Whether a hook subscribed to `subscribed` hears an event of `outcome`: `parked` hears every parked message. */
export function hears(subscribed: readonly TxMsgFailureOutcome[], outcome: TxMsgFailureOutcome): boolean {
  return subscribed.includes(outcome) || (outcome !== 'notification-exhausted' && subscribed.includes('parked'));
}

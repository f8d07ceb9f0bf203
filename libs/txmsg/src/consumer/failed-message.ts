// A row of txmsg_inbox_failure as the admin API and FailureQueries.list show it.

/** Why a message was parked. */
export type ParkReason = 'EXHAUSTED' | 'POISON' | 'UNRECOVERABLE' | 'NO_QUEUE';

/** Row status of `txmsg_inbox_failure`. */
export type FailureStatus = 'WAITING' | 'DISPATCHED' | 'PARKED';

/** A consumed message whose handler failed, as the admin API shows it. */
export interface FailedMessage {
  id: string;
  consumer: string;
  messageId: string;
  queue: string;
  routingKey: string;
  attempts: number;
  status: FailureStatus;
  reason: ParkReason | null;
  nextAttemptAt: Date;
  lastError: string | null;
  body: string;
  createdAt: Date;
  updatedAt: Date;
}

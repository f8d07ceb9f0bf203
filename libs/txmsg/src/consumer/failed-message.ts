// A failed message as the admin API and FailureQueries.list show it.
import type { FailureStatus } from '../store/failure-rows';

/**
 * Why a message was parked: its handler failed through the whole ladder (`EXHAUSTED`), threw
 * an error its consumer's retry policy does not retry (`NOT_RETRIED`) or threw
 * `UnrecoverableMessageError` (`UNRECOVERABLE`); its body is not JSON or nested too deep
 * (`POISON`), larger than `messages.maxBytes` (`OVERSIZED`: only its first 4 KiB are kept); it
 * is not signed by a trusted producer (`FORGED`); another body was already applied, parked or
 * retried under its message id or dedup key (`CONFLICT`); or it came through a subscription
 * without a queue to retry on (`NO_QUEUE`).
 */
export type ParkReason =
  'EXHAUSTED' | 'NOT_RETRIED' | 'POISON' | 'UNRECOVERABLE' | 'NO_QUEUE' | 'OVERSIZED' | 'FORGED' | 'CONFLICT';

/** Every {@link ParkReason}, as a filter of failed messages accepts them. */
export const PARK_REASONS: readonly ParkReason[] = [
  'EXHAUSTED',
  'NOT_RETRIED',
  'POISON',
  'UNRECOVERABLE',
  'NO_QUEUE',
  'OVERSIZED',
  'FORGED',
  'CONFLICT',
];

export type { FailureStatus };

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
  /** The constructor name of what the handler threw; null for a thrown primitive or an older row. */
  errorClass: string | null;
  /** Shared by failures of one cause (see `FailureQueries.groups`); null on rows recorded before it was kept. */
  fingerprint: string | null;
  /** The body as received, or its first 4 KiB when `bodyTruncated`; `base64:…` when not UTF-8. */
  body: string;
  /** SHA-256 (hex) of the whole body as received. */
  payloadHash: string;
  /** Size in bytes of the whole body as received. */
  bodySize: number;
  /** Only the start of the body is kept (an `OVERSIZED` message): it cannot be requeued from here. */
  bodyTruncated: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** One failure of a message: when, and what the ladder made of it. */
export interface FailureAttempt {
  /** The ladder's attempt number; it starts at 1 again after a requeue. */
  attempt: number;
  /** When it was recorded, by the database's clock. */
  at: Date;
  /** Sent back to the queue later (`RETRY`, at `retryAt`), or `PARKED` for `reason`. */
  outcome: 'RETRY' | 'PARKED';
  reason: ParkReason | null;
  retryAt: Date | null;
  errorClass: string | null;
  /** The error, as `lastError` was then (up to 2000 characters). */
  error: string | null;
  traceId: string | null;
}

/** One failed message with everything kept of it, as an operator inspects it. */
export interface FailedMessageDetail extends FailedMessage {
  exchange: string;
  /** The AMQP properties as received (`headers` among them), as kept to send the message again. */
  properties: Record<string, unknown>;
  /** The W3C trace id of its `traceparent` header, when it came with one. */
  traceId: string | null;
  /**
   * The key a skip records it under as handled; null when it failed before its key was known
   * (forged, poison, oversized, an unusable key) or was recorded before keys were kept: it cannot
   * be skipped.
   */
  dedupKey: string | null;
  /** The stack of the last error, when it had one (rows recorded before stacks were kept have none). */
  lastStack: string | null;
  /** Its failures, oldest first: the last 100 (kept across requeues, gone with the message). */
  history: FailureAttempt[];
}

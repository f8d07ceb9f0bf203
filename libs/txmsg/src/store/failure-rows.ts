// The rows of txmsg_inbox_failure as FailureStore writes and reads them. Bodies are Buffers in
// both directions whatever the engine keeps (base64 text on MySQL/MariaDB, bytea on PostgreSQL).

/** Row status of `txmsg_inbox_failure`. */
export type FailureStatus = 'WAITING' | 'DISPATCHED' | 'PARKED';

/** A failure row to write: WAITING for its next rung `dueInMs` from now, or PARKED with a reason. */
export interface FailureWrite {
  consumer: string;
  messageId: string;
  payloadHash: string;
  queue: string;
  exchange: string;
  routingKey: string;
  /** The AMQP properties of the message as received, as JSON. */
  properties: string;
  /** The body kept (all of it, or the start of an oversized one). */
  body: Buffer;
  /** Size in bytes of the whole body as received. */
  bodySize: number;
  attempts: number;
  status: Extract<FailureStatus, 'WAITING' | 'PARKED'>;
  reason: string | null;
  dueInMs: number;
  lastError: string;
  /** The stack of what the handler threw (at most {@link MAX_STACK_LENGTH} characters); null without one. */
  lastStack: string | null;
  /** The constructor name of what the handler threw; null for a thrown primitive. */
  errorClass: string | null;
  /** 16 hex digits shared by failures of one cause (consumer, reason, error class, message shape). */
  fingerprint: string;
  /** The key the consumer records the message under once handled; null when it failed before its key was known. */
  dedupKey: string | null;
  /** The W3C trace id of its `traceparent` header, for its attempt's history row. */
  traceId: string | null;
}

/**
 * Which failure rows a read or a bulk change is about; each field given narrows it, none: all.
 * `search` matches an exact message id or routing key, or a substring (case-sensitive) of the
 * last error or the body: no index serves a substring, so a search reads every row the other
 * fields leave.
 */
export interface FailureFilter {
  status?: FailureStatus;
  consumer?: string;
  /** 16 hex digits; null: the rows recorded before fingerprints were kept, which have none. */
  fingerprint?: string | null;
  search?: string;
  /** Why the rows were parked (a `ParkReason`); rows without one (on the ladder) never match. */
  reason?: string;
}

/** Failures of one cause: one consumer, reason, error class and fingerprint. */
export interface FailureGroup {
  consumer: string;
  reason: string | null;
  errorClass: string | null;
  /** Null for the rows recorded before fingerprints were kept. */
  fingerprint: string | null;
  /** The last error of the group's newest row. */
  sampleError: string | null;
  count: number;
  /** When the oldest row of the group first failed. */
  oldestAt: Date;
  /** When a row of the group last failed (or was last changed). */
  newestAt: Date;
}

/** A failure row already kept under a message id, as a new failure of it is recorded. */
export interface RecordedFailure {
  payloadHash: string;
  attempts: number;
  status: FailureStatus;
  reason: string | null;
}

/** A due retry as leased from `txmsg_inbox_failure`. */
export interface DueRetry {
  id: string;
  message_id: string;
  queue: string;
  /** The AMQP properties of the message as received, as JSON. */
  properties: string;
  body: Buffer;
  attempts: number;
}

/** A whole failure row, as the admin API lists it. */
export interface FailureRecord {
  id: string;
  consumer: string;
  message_id: string;
  payload_hash: string;
  queue: string;
  exchange: string;
  routing_key: string;
  properties: string;
  body: Buffer;
  body_size: number | null;
  attempts: number;
  status: FailureStatus;
  reason: string | null;
  next_attempt_at: Date;
  last_error: string | null;
  /** Null on rows recorded before the FailureStacks migration, and for errors without a stack. */
  last_stack?: string | null;
  /** Null on rows recorded before the FailureFingerprints migration (and not failed since). */
  error_class: string | null;
  fingerprint: string | null;
  /** Null when the message failed before its key was known, or on rows recorded before it was kept. */
  dedup_key: string | null;
  created_at: Date;
  updated_at: Date;
}

/** One attempt of a failed message, as `txmsg_inbox_failure_attempt` keeps it. */
export interface FailureAttemptRecord {
  /** The ladder's attempt number (1 again after a requeue). */
  attempt: number;
  at: Date;
  outcome: 'RETRY' | 'PARKED';
  reason: string | null;
  /** When the retry of a RETRY outcome was due. */
  retry_at: Date | null;
  error_class: string | null;
  error: string | null;
  trace_id: string | null;
}

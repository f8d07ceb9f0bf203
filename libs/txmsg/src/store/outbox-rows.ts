/**
 * Row status values of `txmsg_outbox`. SCHEDULED: a delayed message, due at `next_attempt_at`;
 * CANCELLED: a delayed message cancelled before it was due.
 */
export type OutboxStatus = 'READY' | 'PREPARED' | 'PUBLISHED' | 'DISCARDED' | 'SCHEDULED' | 'CANCELLED';

/** An outbox row as the relay and the commit dispatcher publish it. */
export interface OutboxRow {
  message_id: string;
  type: string;
  exchange: string;
  routing_key: string;
  /** The JSON body, exactly as written. */
  payload: string;
  /** Extra AMQP headers (JSON), or null. */
  headers: string | null;
  correlation_id: string | null;
  /** The W3C trace fields (JSON) of the transaction that wrote it, or null when it was not traced. */
  trace_context?: string | null;
  created_at: Date;
}

/** A READY row leased for publishing, with the publish attempts it has had. */
export type ReadyRow = OutboxRow & { id: string; attempts: number };

/** A half message leased for a check, with this check already counted. */
export interface PreparedRow {
  id: string;
  message_id: string;
  routing_key: string;
  payload: string;
  tx_group: string;
  check_count: number;
  /** The W3C trace fields (JSON) of the transaction that wrote it, or null. */
  trace_context?: string | null;
}

/** An outbox row as the admin API lists it. */
export interface OutboxListing {
  id: string;
  messageId: string;
  type: string;
  routingKey: string;
  status: OutboxStatus;
  txGroup: string | null;
  checkCount: number;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  payload: string;
}

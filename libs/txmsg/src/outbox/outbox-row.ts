import type { Options } from 'amqplib';
import { toPublishOptions } from '../envelope';

/** Internal: an outbox row as the relay and the commit dispatcher publish it. */
export interface OutboxRow {
  message_id: string;
  type: string;
  exchange: string;
  routing_key: string;
  payload: string;
  headers: string | null;
  correlation_id: string | null;
  /** The W3C trace fields (JSON) of the transaction that wrote it, or null when it was not traced. */
  trace_context?: string | null;
  created_at: Date;
}

/** The AMQP properties a row is published with (its envelope). */
export function publishOptionsOf(row: OutboxRow, service: string): Options.Publish {
  return toPublishOptions(
    {
      id: row.message_id,
      type: row.type,
      source: service,
      time: new Date(row.created_at).getTime(),
      correlationId: row.correlation_id ?? row.message_id,
    },
    row.headers ? JSON.parse(row.headers) : {},
  );
}

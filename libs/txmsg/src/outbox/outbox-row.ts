import type { Options } from 'amqplib';
import { toPublishOptions } from '../envelope';

import type { OutboxRow } from '../store/outbox-rows';

export type { OutboxRow } from '../store/outbox-rows';

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

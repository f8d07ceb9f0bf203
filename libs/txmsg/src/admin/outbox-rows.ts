import type { DataSource } from 'typeorm';

/** How many outbox rows are in each status, by status. */
export async function outboxCounts(dataSource: DataSource): Promise<Record<string, number>> {
  const rows: { status: string; count: string }[] = await dataSource.query(
    'SELECT status, COUNT(*) AS count FROM txmsg_outbox GROUP BY status',
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
}

/** The newest `limit` outbox rows in `status`, newest first, with their payload. */
export function outboxRows(dataSource: DataSource, status: string, limit: number): Promise<unknown[]> {
  return dataSource.query(
    `SELECT id, message_id AS messageId, type, routing_key AS routingKey, status, tx_group AS txGroup,
            check_count AS checkCount, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError,
            created_at AS createdAt, finished_at AS finishedAt, payload
       FROM txmsg_outbox WHERE status = ? ORDER BY id DESC LIMIT ?`,
    [status, limit],
  );
}

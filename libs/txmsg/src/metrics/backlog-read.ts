import type { DataSource } from 'typeorm';
import { errorText } from '../support/error-text';

/** A backlog read at scrape time that has no answer by then counts as failed (Prometheus' scrape timeout is 10 s). */
const READ_TIMEOUT_MS = 5000;

/** The backlog gauges and the query each is read with, counting rows per status. */
export const BACKLOGS = [
  {
    name: 'txmsg_outbox_backlog',
    help: 'Outbox rows not yet published (READY) or awaiting check-back (PREPARED). Absent when txmsg_backlog_up is 0.',
    sql: "SELECT status, COUNT(*) AS n FROM txmsg_outbox WHERE status IN ('READY', 'PREPARED') GROUP BY status",
  },
  {
    name: 'txmsg_inbox_failures',
    help: 'Consumed messages on the retry ladder (WAITING, DISPATCHED) or PARKED. Absent when txmsg_backlog_up is 0.',
    sql: 'SELECT status, COUNT(*) AS n FROM txmsg_inbox_failure GROUP BY status',
  },
  {
    name: 'txmsg_notifications',
    help: 'HTTP notifications not yet delivered (PENDING) or given up (FAILED). Absent when txmsg_backlog_up is 0.',
    sql: "SELECT status, COUNT(*) AS n FROM txmsg_notification WHERE status IN ('PENDING', 'FAILED') GROUP BY status",
  },
] as const;

/** Rows per status, as one backlog query returns them. */
export type Counts = { status: string; n: string }[];
/** One read of every backlog: their counts, in {@link BACKLOGS} order, or why it failed. */
export type Read = { ok: true; counts: Counts[] } | { ok: false; error: Error };

/** Reads every backlog in one go, or why it could not within the timeout. Never rejects. */
export async function readAll(dataSource: DataSource): Promise<Read> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer from the database within ${READ_TIMEOUT_MS} ms`)),
      READ_TIMEOUT_MS,
    );
  });
  try {
    const counts = await Promise.race([
      Promise.all(BACKLOGS.map(({ sql }) => dataSource.query(sql) as Promise<Counts>)),
      timeout,
    ]);
    return { ok: true, counts };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(errorText(error)) };
  } finally {
    clearTimeout(timer);
  }
}

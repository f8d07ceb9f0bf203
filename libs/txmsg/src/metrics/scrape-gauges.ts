import type { Rows } from './backlog-read';
import type { ScrapeQuery } from './scrape-queries';

/** A gauge read at scrape time: the query it comes from and the labels its rows carry. */
export interface ScrapeGauge {
  name: string;
  help: string;
  query: ScrapeQuery;
  /** Columns of each row that become labels; the row's `n` is the value. */
  labelNames: string[];
}

const absent = 'Absent when txmsg_backlog_up is 0.';

/** Every gauge read from the database at scrape time. */
export const SCRAPE_GAUGES: ScrapeGauge[] = [
  {
    name: 'txmsg_outbox_backlog',
    help: `Outbox rows not yet published (READY), awaiting check-back (PREPARED) or delayed and not yet due (SCHEDULED). ${absent}`,
    query: 'outbox_backlog',
    labelNames: ['status'],
  },
  {
    name: 'txmsg_outbox_oldest_unpublished_age_seconds',
    help: `Age of the oldest outbox row waiting to be published (READY); 0 when there is none. ${absent}`,
    query: 'outbox_oldest',
    // A label even though it is constant: prom-client serves an unlabelled gauge as 0 after a
    // reset, and a failed read must leave the series out, not report it as fresh.
    labelNames: ['status'],
  },
  {
    name: 'txmsg_inbox_failures',
    help: `Consumed messages on the retry ladder (WAITING, DISPATCHED) or PARKED. ${absent}`,
    query: 'inbox_failures',
    labelNames: ['status'],
  },
  {
    name: 'txmsg_inbox_parked',
    help: `Parked consumed messages, by consumer and reason (EXHAUSTED, NOT_RETRIED, POISON, UNRECOVERABLE, NO_QUEUE, OVERSIZED, FORGED, CONFLICT). ${absent}`,
    query: 'inbox_parked',
    labelNames: ['consumer', 'reason'],
  },
  {
    name: 'txmsg_inbox_retry_oldest_age_seconds',
    help: `Age since its first failure of the oldest message on the retry ladder, by consumer (none: no series). ${absent}`,
    query: 'retry_oldest',
    labelNames: ['consumer'],
  },
  {
    name: 'txmsg_notifications',
    help: `HTTP notifications not yet delivered (PENDING) or given up (FAILED). ${absent}`,
    query: 'notifications',
    labelNames: ['status'],
  },
  {
    name: 'txmsg_ordering_blocked_keys',
    help: `Ordering keys an ordered consumer waits on behind a failing (retrying or parked) message, by consumer. ${absent}`,
    query: 'ordering_blocked',
    labelNames: ['consumer'],
  },
  {
    name: 'txmsg_ordering_held',
    help: `Messages an ordered consumer holds back until their predecessor is applied, by consumer. ${absent}`,
    query: 'ordering_held',
    labelNames: ['consumer'],
  },
];

/** The gauge's series in `rows`: one per row, labelled with its label columns, valued by `n`. */
export function seriesOf(gauge: ScrapeGauge, rows: Rows): { labels: Record<string, string>; value: number }[] {
  return rows.map((row) => ({
    labels: Object.fromEntries(gauge.labelNames.map((label) => [label, String(row[label])])),
    value: Number(row.n ?? 0),
  }));
}

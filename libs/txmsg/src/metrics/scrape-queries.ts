import type { FailureStore } from '../store/failure-store';
import type { NotificationStore } from '../store/notification-store';
import type { OrderingStore } from '../store/ordering-store';
import type { OutboxStore } from '../store/outbox-store';
import type { StoreDatabase } from '../store/store-database';

/**
 * The scrape-time gauges' queries, by the name `txmsg_metrics_query_errors_total` reports a
 * failure under. Ages are computed by the database against its own clock, as the relay's and the
 * retry ladder's due-time comparisons are, so clock skew between instances does not show up as
 * age. An empty outbox has age 0; a consumer with nothing on the ladder has no series.
 */
export const SCRAPE_QUERY_NAMES = [
  'outbox_backlog',
  'outbox_oldest',
  'inbox_failures',
  'inbox_parked',
  'retry_oldest',
  'notifications',
  'ordering_blocked',
  'ordering_held',
] as const;

/** The name of one scrape query. */
export type ScrapeQuery = (typeof SCRAPE_QUERY_NAMES)[number];

/** Every scrape query's statement, in the database's dialect. */
export type ScrapeStatements = Record<ScrapeQuery, string>;

/** The stores whose tables the gauges read; each owns its statements. */
export interface ScrapeSources {
  db: StoreDatabase;
  outbox: OutboxStore;
  failures: FailureStore;
  notifications: NotificationStore;
  ordering: OrderingStore;
}

/** Every scrape query's statement, from the store owning its table, ready for the driver. */
export function scrapeStatements({ db, outbox, failures, notifications, ordering }: ScrapeSources): ScrapeStatements {
  const statements: ScrapeStatements = {
    ...outbox.gaugeStatements(),
    ...failures.gaugeStatements(),
    ...notifications.gaugeStatements(),
    ...ordering.gaugeStatements(),
  };
  return Object.fromEntries(
    SCRAPE_QUERY_NAMES.map((name) => [name, db.dialect.sql(statements[name])]),
  ) as ScrapeStatements;
}

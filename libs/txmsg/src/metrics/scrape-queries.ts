/**
 * The queries the scrape-time gauges are read with, by the name `txmsg_metrics_query_errors_total`
 * reports a failure under. Ages are computed by the database against its own clock, as the
 * relay's and the retry ladder's due-time comparisons are, so clock skew between instances does
 * not show up as age. An empty outbox has age 0; a consumer with nothing on the ladder has no series.
 */
export const SCRAPE_QUERIES = {
  outbox_backlog:
    "SELECT status, COUNT(*) AS n FROM txmsg_outbox WHERE status IN ('READY', 'PREPARED') GROUP BY status",
  // The lowest READY id is the oldest row (ids are handed out as rows are written): found in the
  // status index alone, so a large backlog costs one row lookup rather than one per row.
  outbox_oldest: `SELECT 'READY' AS status, COALESCE(TIMESTAMPDIFF(MICROSECOND,
      (SELECT created_at FROM txmsg_outbox WHERE id = (SELECT MIN(id) FROM txmsg_outbox WHERE status = 'READY')),
      NOW(3)), 0) / 1000000 AS n`,
  inbox_failures: 'SELECT status, COUNT(*) AS n FROM txmsg_inbox_failure GROUP BY status',
  inbox_parked:
    "SELECT consumer, COALESCE(reason, 'UNKNOWN') AS reason, COUNT(*) AS n FROM txmsg_inbox_failure WHERE status = 'PARKED' GROUP BY consumer, reason",
  retry_oldest:
    "SELECT consumer, TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)) / 1000000 AS n FROM txmsg_inbox_failure WHERE status IN ('WAITING', 'DISPATCHED') GROUP BY consumer",
  notifications:
    "SELECT status, COUNT(*) AS n FROM txmsg_notification WHERE status IN ('PENDING', 'FAILED') GROUP BY status",
} as const;

/** The name of one scrape query. */
export type ScrapeQuery = keyof typeof SCRAPE_QUERIES;

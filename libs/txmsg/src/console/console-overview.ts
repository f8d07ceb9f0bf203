import { Injectable } from '@nestjs/common';
import { type Read, type Rows, readAll } from '../metrics/backlog-read';
import { reusedFor } from '../metrics/reused-read';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { StoreDatabase } from '../store/store-database';

/** Pages refreshing themselves in many tabs must not add load: one read serves them all for a second. */
const REUSE_MS = 1000;

/** One count or age, by the labels of its row. */
export interface Tally {
  labels: Record<string, string>;
  value: number;
}

/** What the overview page shows; a section whose read failed is `null`. */
export interface Overview {
  outboxByStatus: Tally[] | null;
  /** Seconds since the oldest READY (unpublished) message was written; 0 when none waits. */
  oldestUnpublishedSeconds: number | null;
  failuresByStatus: Tally[] | null;
  /** PARKED rows by consumer and reason. */
  parkedByConsumer: Tally[] | null;
  /** By consumer, seconds since the first failure of the oldest message on the retry ladder. */
  ladderOldestByConsumer: Tally[] | null;
  /** PENDING and FAILED (exhausted) notifications. */
  notificationsByStatus: Tally[] | null;
  /** Ordering keys blocked, by consumer. */
  blockedKeysByConsumer: Tally[] | null;
}

/**
 * The overview's numbers, read with the statements of the metrics' scrape-time gauges (each store
 * owns its own), so the console and the dashboards never disagree. Ages come from the database's
 * clock. Reads only.
 */
@Injectable()
export class ConsoleOverview {
  private readonly reused: () => Promise<Read>;

  constructor(db: StoreDatabase, metrics: TxMsgMetrics) {
    this.reused = reusedFor(REUSE_MS, () => readAll(db.dataSource, metrics.gaugeStatements));
  }

  async read(): Promise<Overview> {
    const read = await this.reused();
    const tallies = (rows: Rows | null): Tally[] | null =>
      rows &&
      rows.map((row) => {
        const { n, ...labels } = row;
        return { labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])), value: Number(n) };
      });
    const rowsOf = (name: keyof Read) => {
      const result = read[name];
      return result.ok ? result.rows : null;
    };
    const oldest = rowsOf('outbox_oldest');
    return {
      outboxByStatus: tallies(rowsOf('outbox_backlog')),
      oldestUnpublishedSeconds: oldest ? Number(oldest[0]?.n ?? 0) : null,
      failuresByStatus: tallies(rowsOf('inbox_failures')),
      parkedByConsumer: tallies(rowsOf('inbox_parked')),
      ladderOldestByConsumer: tallies(rowsOf('retry_oldest')),
      notificationsByStatus: tallies(rowsOf('notifications')),
      blockedKeysByConsumer: tallies(rowsOf('ordering_blocked')),
    };
  }
}

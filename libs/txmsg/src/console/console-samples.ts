import type { ConsumeOutcome } from '../metrics/txmsg-metrics';
import type { Overview, Tally } from './console-overview';

/** A consumer's outcomes as the overview shows them. */
export const RATE_COLUMNS = ['applied', 'duplicate', 'retried', 'parked'] as const;
export type RateColumn = (typeof RATE_COLUMNS)[number];
export type ColumnCounts = Record<RateColumn, number>;

/**
 * The column each counted outcome adds to: whatever was parked, in the database or on the
 * broker, is parked. `requeued` and `held` (not yet decided) are in none.
 */
const COLUMN_OF: Partial<Record<ConsumeOutcome, RateColumn>> = {
  applied: 'applied',
  duplicate: 'duplicate',
  retry: 'retried',
  parked: 'parked',
  conflict: 'parked',
  forged: 'parked',
  dead_lettered: 'parked',
};

/** The database's backlogs one sample keeps, each `null` when its read failed. */
export const BACKLOG_NAMES = [
  'outboxReady',
  'oldestUnpublishedSeconds',
  'parked',
  'onLadder',
  'notificationsPending',
  'notificationsExhausted',
  'blockedKeys',
] as const;
export type BacklogName = (typeof BACKLOG_NAMES)[number];
export type Backlogs = Record<BacklogName, number | null>;

/** Samples kept: an hour at the default interval of 15 s. */
export const SAMPLES_KEPT = 240;

/** The sum of `tallies` (of those with a status in `statuses`, if any given); `null` when not read. */
function total(tallies: Tally[] | null | undefined, ...statuses: string[]): number | null {
  if (!tallies) return null;
  const counted = statuses.length === 0 ? tallies : tallies.filter((t) => statuses.includes(t.labels.status));
  return counted.reduce((sum, t) => sum + t.value, 0);
}

/** The backlogs the overview graphs, from its read of the database (`null`: the read failed). */
export function backlogsOf(o: Overview | null): Backlogs {
  return {
    outboxReady: total(o?.outboxByStatus, 'READY'),
    oldestUnpublishedSeconds: o?.oldestUnpublishedSeconds ?? null,
    parked: total(o?.failuresByStatus, 'PARKED'),
    onLadder: total(o?.failuresByStatus, 'WAITING', 'DISPATCHED'),
    notificationsPending: total(o?.notificationsByStatus, 'PENDING'),
    notificationsExhausted: total(o?.notificationsByStatus, 'FAILED'),
    blockedKeys: total(o?.blockedKeysByConsumer),
  };
}

/** This process's consumer counts (since it started) and the database's backlogs, at `at` (ms). */
export interface Sample {
  at: number;
  consumers: Record<string, ColumnCounts>;
  backlogs: Backlogs;
}

/** The counts of `txmsg_consumer_messages_total`, summed into the overview's columns by consumer. */
export function columnCounts(
  counted: { consumer: string; outcome: ConsumeOutcome; count: number }[],
): Record<string, ColumnCounts> {
  const byConsumer: Record<string, ColumnCounts> = {};
  for (const { consumer, outcome, count } of counted) {
    const columns = (byConsumer[consumer] ??= { applied: 0, duplicate: 0, retried: 0, parked: 0 });
    const column = COLUMN_OF[outcome];
    if (column) columns[column] += count;
  }
  return byConsumer;
}

/** The last `capacity` samples, oldest first; a push past it forgets the oldest. */
export class SampleRing {
  private readonly kept: Sample[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  push(sample: Sample): void {
    if (this.kept.length < this.capacity) this.kept.push(sample);
    else this.kept[this.next] = sample;
    this.next = (this.next + 1) % this.capacity;
  }

  get samples(): Sample[] {
    return [...this.kept.slice(this.next), ...this.kept.slice(0, this.next)];
  }
}

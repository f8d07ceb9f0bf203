import { type BacklogName, type ColumnCounts, RATE_COLUMNS, type RateColumn, type Sample } from './console-samples';

/** How far back a rate "now" looks: a minute smooths out one sample's noise and still moves fast. */
export const RECENT_MS = 60_000;

/** A consumer's outcomes over the samples kept. */
export interface ConsumerTrend {
  consumer: string;
  /** Per minute over the last minute (all that was sampled, if less); `null` before a second sample. */
  perMinute: Record<RateColumn, number | null>;
  /** Counted between the first sample kept and the last. */
  total: ColumnCounts;
  /** Applied per minute, between each sample and the next. */
  applied: number[];
  /** Retried and parked per minute, between each sample and the next. */
  failed: number[];
}

/** What a counter gained from one reading to the next; one that went down had restarted from 0. */
const gained = (before: number, after: number) => (after >= before ? after - before : after);

/** A consumer's count in `sample`; none yet is 0 (the counter starts with the process). */
const countIn = (sample: Sample, consumer: string, column: RateColumn) => sample.consumers[consumer]?.[column] ?? 0;

/** What `column` of `consumer` gained from `samples[from]` to `samples[to]`. */
function gainedBetween(samples: Sample[], consumer: string, column: RateColumn, from: number, to: number): number {
  let sum = 0;
  for (let i = from + 1; i <= to; i++) {
    sum += gained(countIn(samples[i - 1], consumer, column), countIn(samples[i], consumer, column));
  }
  return sum;
}

/** Per minute, between each sample and the next, of what `of` gained. */
function perMinuteSeries(samples: Sample[], of: (from: number, to: number) => number): number[] {
  return samples.slice(1).map((sample, i) => (of(i, i + 1) * 60_000) / Math.max(1, sample.at - samples[i].at));
}

/** Every consumer counted in `samples` (oldest first), by name. */
export function consumerTrends(samples: Sample[]): ConsumerTrend[] {
  const consumers = [...new Set(samples.flatMap((sample) => Object.keys(sample.consumers)))].sort();
  const last = samples.length - 1;
  let recent = 0;
  while (recent < last - 1 && samples[recent + 1].at <= samples[last].at - RECENT_MS) recent++;
  const recentMs = last > 0 ? Math.max(1, samples[last].at - samples[recent].at) : 0;
  return consumers.map((consumer) => {
    const between = (column: RateColumn) => (from: number, to: number) =>
      gainedBetween(samples, consumer, column, from, to);
    const perMinute = {} as Record<RateColumn, number | null>;
    const total = {} as ColumnCounts;
    for (const column of RATE_COLUMNS) {
      perMinute[column] = last > 0 ? (between(column)(recent, last) * 60_000) / recentMs : null;
      total[column] = last > 0 ? between(column)(0, last) : 0;
    }
    return {
      consumer,
      perMinute,
      total,
      applied: perMinuteSeries(samples, between('applied')),
      failed: perMinuteSeries(samples, (from, to) => between('retried')(from, to) + between('parked')(from, to)),
    };
  });
}

/** One backlog in each sample, oldest first (`null` where its read failed). */
export function backlogSeries(samples: Sample[], name: BacklogName): (number | null)[] {
  return samples.map((sample) => sample.backlogs[name]);
}

import { backlogSeries, consumerTrends } from './console-rates';
import { type Backlogs, columnCounts, type Sample, SampleRing } from './console-samples';

const NO_BACKLOGS: Backlogs = {
  outboxReady: null,
  oldestUnpublishedSeconds: null,
  parked: null,
  onLadder: null,
  notificationsPending: null,
  notificationsExhausted: null,
  blockedKeys: null,
};

/** A sample at `seconds` with `applied` (and the other counts) of consumer `c`. */
function at(seconds: number, counts: Partial<Record<'applied' | 'duplicate' | 'retried' | 'parked', number>>): Sample {
  return {
    at: seconds * 1000,
    consumers: { c: { applied: 0, duplicate: 0, retried: 0, parked: 0, ...counts } },
    backlogs: { ...NO_BACKLOGS, parked: counts.parked ?? null },
  };
}

describe(SampleRing.name, () => {
  it('keeps the last samples, oldest first, forgetting the oldest once full', () => {
    const ring = new SampleRing(3);
    expect(ring.samples).toEqual([]);
    for (let s = 1; s <= 5; s++) {
      ring.push(at(s, { applied: s }));
      expect(ring.samples.map((sample) => sample.at / 1000)).toEqual(
        Array.from({ length: Math.min(s, 3) }, (_, i) => Math.max(1, s - 2) + i),
      );
    }
  });
});

describe('columnCounts', () => {
  it('sums the outcomes into applied, duplicate, retried and parked (conflict, forged and dead-lettered are parked too)', () => {
    expect(
      columnCounts([
        { consumer: 'a', outcome: 'applied', count: 7 },
        { consumer: 'a', outcome: 'duplicate', count: 2 },
        { consumer: 'a', outcome: 'retry', count: 3 },
        { consumer: 'a', outcome: 'parked', count: 1 },
        { consumer: 'a', outcome: 'conflict', count: 1 },
        { consumer: 'a', outcome: 'forged', count: 1 },
        { consumer: 'a', outcome: 'dead_lettered', count: 1 },
        { consumer: 'a', outcome: 'requeued', count: 9 },
        { consumer: 'b', outcome: 'held', count: 4 },
      ]),
    ).toEqual({
      a: { applied: 7, duplicate: 2, retried: 3, parked: 4 },
      b: { applied: 0, duplicate: 0, retried: 0, parked: 0 },
    });
  });
});

describe('consumerTrends', () => {
  it('gives no rate before a second sample', () => {
    const [trend] = consumerTrends([at(0, { applied: 5 })]);
    expect(trend.perMinute).toEqual({ applied: null, duplicate: null, retried: null, parked: null });
    expect(trend.total).toEqual({ applied: 0, duplicate: 0, retried: 0, parked: 0 });
    expect(trend.applied).toEqual([]);
  });

  it('rates per minute over the last minute only, and counts over every sample kept', () => {
    // 15 s apart: 60 applied in the first minute, then 10 in the next.
    const samples = [0, 15, 30, 45, 60, 75, 90, 105, 120].map((s) =>
      at(s, { applied: s <= 60 ? s : 60 + (s - 60) / 6, parked: s >= 105 ? 2 : 0, retried: s / 15 }),
    );
    const [trend] = consumerTrends(samples);
    expect(trend.perMinute.applied).toBeCloseTo(10);
    expect(trend.perMinute.parked).toBeCloseTo(2);
    expect(trend.perMinute.retried).toBeCloseTo(4);
    expect(trend.perMinute.duplicate).toBe(0);
    expect(trend.total).toEqual({ applied: 70, duplicate: 0, retried: 8, parked: 2 });
    expect(trend.applied.slice(0, 4)).toEqual([60, 60, 60, 60]);
    expect(trend.applied.slice(4).map((r) => Math.round(r * 10) / 10)).toEqual([10, 10, 10, 10]);
    // Retried and parked together: 4 a minute, and the 2 parked in the last-but-one interval.
    expect(trend.failed).toEqual([4, 4, 4, 4, 4, 4, 12, 4]);
  });

  it('rates over what was sampled when that is less than a minute, by the time between samples', () => {
    const [trend] = consumerTrends([at(0, { applied: 0 }), at(20, { applied: 10 })]);
    expect(trend.perMinute.applied).toBeCloseTo(30);
    expect(trend.applied).toEqual([30]);
  });

  it('counts a consumer that appears later from 0, and a counter that went down as restarted from 0', () => {
    const first: Sample = { at: 0, consumers: {}, backlogs: NO_BACKLOGS };
    const [trend] = consumerTrends([first, at(15, { applied: 6 }), at(30, { applied: 2 })]);
    expect(trend.consumer).toBe('c');
    expect(trend.total.applied).toBe(8);
    expect(trend.applied).toEqual([24, 8]);
  });

  it('lists consumers by name', () => {
    const sample = (s: number): Sample => ({
      at: s * 1000,
      consumers: {
        zeta: { applied: s, duplicate: 0, retried: 0, parked: 0 },
        alpha: { applied: 0, duplicate: s, retried: 0, parked: 0 },
      },
      backlogs: NO_BACKLOGS,
    });
    expect(consumerTrends([sample(0), sample(60)]).map((t) => [t.consumer, t.total])).toEqual([
      ['alpha', { applied: 0, duplicate: 60, retried: 0, parked: 0 }],
      ['zeta', { applied: 60, duplicate: 0, retried: 0, parked: 0 }],
    ]);
  });
});

describe('backlogSeries', () => {
  it('is one backlog in each sample, null where it could not be read', () => {
    expect(backlogSeries([at(0, {}), at(15, { parked: 3 })], 'parked')).toEqual([null, 3]);
  });
});

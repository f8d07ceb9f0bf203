import type { TxMsgMetrics } from '../metrics/txmsg-metrics';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { ConsoleHistory } from './console-history';
import type { ConsoleOverview, Overview } from './console-overview';

const OVERVIEW: Overview = {
  outboxByStatus: [
    { labels: { status: 'READY' }, value: 4 },
    { labels: { status: 'SCHEDULED' }, value: 9 },
  ],
  oldestUnpublishedSeconds: 2.5,
  failuresByStatus: [
    { labels: { status: 'PARKED' }, value: 3 },
    { labels: { status: 'WAITING' }, value: 2 },
    { labels: { status: 'DISPATCHED' }, value: 1 },
  ],
  parkedByConsumer: [],
  ladderOldestByConsumer: [],
  notificationsByStatus: [{ labels: { status: 'FAILED' }, value: 5 }],
  blockedKeysByConsumer: null,
};

describe(ConsoleHistory.name, () => {
  let applied = 0;
  const metrics = {
    consumedCounts: async () => [{ consumer: 'stock', outcome: 'applied' as const, count: ++applied }],
  } as unknown as TxMsgMetrics;
  const history = (read: () => Promise<Overview>, console: ResolvedTxMsgOptions['console']) =>
    new ConsoleHistory({ read } as ConsoleOverview, metrics, { console } as ResolvedTxMsgOptions);

  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it("samples this process's counters and the database's backlogs from bootstrap, every interval, until shutdown", async () => {
    const sampler = history(async () => OVERVIEW, { path: 'c', sampleIntervalMs: 15_000 });
    sampler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(sampler.samples.map((sample) => sample.at)).toEqual([1_000_000]);
    await jest.advanceTimersByTimeAsync(30_000);
    await sampler.beforeApplicationShutdown();
    const [first, second] = sampler.samples;
    expect(sampler.samples.map((sample) => sample.at)).toEqual([1_000_000, 1_015_000, 1_030_000]);
    expect(second.consumers.stock.applied).toBe(first.consumers.stock.applied + 1);
    expect(first.backlogs).toEqual({
      outboxReady: 4,
      oldestUnpublishedSeconds: 2.5,
      parked: 3,
      onLadder: 3,
      notificationsPending: 0,
      notificationsExhausted: 5,
      blockedKeys: null,
    });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(sampler.samples).toHaveLength(3);
  });

  it('keeps the counters and leaves the backlogs unknown when the read fails', async () => {
    const sampler = history(() => Promise.reject(new Error('connection lost')), { path: 'c', sampleIntervalMs: 5 });
    sampler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    await sampler.beforeApplicationShutdown();
    expect(sampler.samples).toHaveLength(1);
    expect(sampler.samples[0].consumers.stock.applied).toBeGreaterThan(0);
    expect(Object.values(sampler.samples[0].backlogs).every((v) => v === null)).toBe(true);
  });

  it('takes no sample where the console is not mounted', async () => {
    let reads = 0;
    const sampler = history(async () => (reads++, OVERVIEW), false);
    sampler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(60_000);
    await sampler.beforeApplicationShutdown();
    expect([sampler.samples.length, reads, sampler.intervalMs]).toEqual([0, 0, 0]);
  });
});

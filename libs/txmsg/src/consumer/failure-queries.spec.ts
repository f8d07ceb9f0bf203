import type { FailureStore } from '../store/failure-store';
import { FailureQueries } from './failure-queries';

/** A parking lot of ids 1..n in a fake store that answers the id walk as the real one does. */
function parkingLot(n: number) {
  const parked = new Set(Array.from({ length: n }, (_, i) => String(i + 1)));
  const walks: Array<{ filter: object; afterId: string }> = [];
  const store = {
    parkedIdsAfter: async (filter: object, afterId: string, limit: number) => {
      walks.push({ filter, afterId });
      return [...parked].filter((id) => Number(id) > Number(afterId)).slice(0, limit);
    },
    requeueParked: async (ids: string[]) => ids.filter((id) => parked.delete(id)).length,
    purgeParked: async (ids: string[]) => ids.filter((id) => parked.delete(id)).length,
  };
  return { queries: new FailureQueries(store as unknown as FailureStore), walks, parked };
}

describe(FailureQueries.name, () => {
  it('requeues by filter in batches of 500, each walk step after the last id seen, with the filter', async () => {
    const { queries, walks } = parkingLot(1200);
    const filter = { consumer: 'Orders.ship', fingerprint: '0123456789abcdef' };
    expect(await queries.requeue(filter)).toBe(1200);
    expect(walks).toEqual([
      { filter, afterId: '0' },
      { filter, afterId: '500' },
      { filter, afterId: '1000' },
    ]);
  });

  it('purges every parked message without a filter, and one by its id', async () => {
    const { queries, parked, walks } = parkingLot(3);
    expect(await queries.purge('2')).toBe(1);
    expect(walks).toEqual([]);
    expect(await queries.purge()).toBe(2);
    expect(walks).toEqual([{ filter: {}, afterId: '0' }]);
    expect(parked.size).toBe(0);
  });
});

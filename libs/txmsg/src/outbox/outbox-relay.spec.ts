import type { DataSource, EntityManager, EntitySubscriberInterface } from 'typeorm';
import { TransactionHooks } from '../transaction-hooks/transaction-hooks';
import { withDefaults } from '../txmsg.options';
import type { OutboxPublisher } from './outbox-publisher';
import { OutboxRelay } from './outbox-relay';

/** A relay over a fake database holding `due` READY rows, recording the LIMIT of every lease. */
function setUp(due: number, broker: { reachable: boolean }) {
  const limits: number[] = [];
  let left = due;
  const em = {
    query: jest.fn(async (sql: string, params: unknown[]) => {
      if (!sql.startsWith('SELECT')) return undefined;
      const limit = Number(params[0]);
      limits.push(limit);
      const taken = Math.min(limit, left);
      left -= taken;
      return Array.from({ length: taken }, (_, i) => ({ id: String(i), message_id: `m-${left + i}`, attempts: 0 }));
    }),
  };
  const dataSource = {
    subscribers: [] as EntitySubscriberInterface[],
    transaction: (_level: string, work: (manager: EntityManager) => Promise<unknown>) =>
      work(em as unknown as EntityManager),
  };
  const publisher = {
    ...broker,
    publish: jest.fn().mockRejectedValue(new Error('timed out')),
    postpone: jest.fn().mockResolvedValue(undefined),
    markPublished: jest.fn().mockResolvedValue(undefined),
  };
  const options = withDefaults({ service: 'bank1', broker: { uri: 'amqp://localhost' }, relay: { batchSize: 50 } });
  const relay = new OutboxRelay(
    dataSource as unknown as DataSource,
    publisher as unknown as OutboxPublisher,
    new TransactionHooks(dataSource as unknown as DataSource),
    options,
  );
  return { relay, limits, publisher };
}

describe('OutboxRelay.relayOnce', () => {
  it('leases a whole batch while the broker is reachable', async () => {
    const { relay, limits } = setUp(10, { reachable: true });
    expect(await relay.relayOnce()).toBe(10);
    expect(limits).toEqual([50]);
  });

  it('probes with one row while the broker is unreachable, and backs off only that row', async () => {
    const { relay, limits, publisher } = setUp(500, { reachable: false });
    expect(await relay.relayOnce()).toBe(1);
    expect(limits).toEqual([1]);
    expect(publisher.postpone).toHaveBeenCalledTimes(1);
    expect(publisher.postpone.mock.calls[0][0]).toHaveLength(1);
  });
});

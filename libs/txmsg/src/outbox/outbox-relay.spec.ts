import type { DataSource, EntitySubscriberInterface } from 'typeorm';
import type { OutboxStore } from '../store/outbox-store';
import { TransactionHooks } from '../transaction-hooks/transaction-hooks';
import { withDefaults } from '../txmsg.options';
import type { OutboxPublisher } from './outbox-publisher';
import { OutboxRelay } from './outbox-relay';

/** A relay over a fake outbox store holding `due` READY rows, recording the limit of every lease. */
function setUp(due: number, broker: { reachable: boolean }) {
  const limits: number[] = [];
  let left = due;
  const store = {
    leaseReady: jest.fn(async (limit: number) => {
      limits.push(limit);
      const taken = Math.min(limit, left);
      left -= taken;
      return Array.from({ length: taken }, (_, i) => ({ id: String(i), message_id: `m-${left + i}`, attempts: 0 }));
    }),
  };
  const dataSource = { subscribers: [] as EntitySubscriberInterface[] };
  const publisher = {
    ...broker,
    publish: jest.fn().mockRejectedValue(new Error('timed out')),
    postpone: jest.fn().mockResolvedValue(undefined),
    markPublished: jest.fn().mockResolvedValue(undefined),
  };
  const options = withDefaults({ service: 'bank1', broker: { uri: 'amqp://localhost' }, relay: { batchSize: 50 } });
  const relay = new OutboxRelay(
    store as unknown as OutboxStore,
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

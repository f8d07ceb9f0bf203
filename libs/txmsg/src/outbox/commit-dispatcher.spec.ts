import type { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import { TransactionHooks } from '../transaction-hooks/transaction-hooks';
import { withDefaults } from '../txmsg.options';
import { CommitDispatcher } from './commit-dispatcher';
import type { OutboxPublisher } from './outbox-publisher';
import type { OutboxRelay } from './outbox-relay';
import type { OutboxRow } from './outbox-row';

const row: OutboxRow = {
  message_id: 'm-1',
  type: 'bank1.transfer.started',
  exchange: 'txmsg',
  routing_key: 'bank1.transfer.started',
  payload: '{}',
  headers: null,
  correlation_id: null,
  created_at: new Date(),
};

function setUp() {
  const dataSource = { subscribers: [] as EntitySubscriberInterface[] };
  const relay = { running: true, publishLeaseMs: 6000 };
  const publisher = {
    reachable: true,
    publish: jest.fn().mockResolvedValue(undefined),
    postpone: jest.fn().mockResolvedValue(undefined),
    markPublished: jest.fn().mockResolvedValue(undefined),
  };
  const options = withDefaults({ service: 'bank1', broker: { uri: 'amqp://localhost' } });
  const dispatcher = new CommitDispatcher(
    new TransactionHooks(dataSource as unknown as DataSource),
    relay as unknown as OutboxRelay,
    publisher as unknown as OutboxPublisher,
    options,
  );
  const runner = { data: {} as Record<string, unknown>, transactionDepth: 1 };
  const manager = { queryRunner: runner } as unknown as EntityManager;
  const commit = async () => {
    runner.transactionDepth = 0;
    dataSource.subscribers[0].afterTransactionCommit?.({ queryRunner: runner } as unknown as TransactionCommitEvent);
    await dispatcher.beforeApplicationShutdown();
  };
  return { dispatcher, publisher, manager, commit };
}

describe(CommitDispatcher.name, () => {
  it('publishes a row taken in a transaction once that transaction commits', async () => {
    const { dispatcher, publisher, manager, commit } = setUp();
    expect(dispatcher.take(manager, row)).toBe(6000);
    await commit();
    expect(publisher.publish).toHaveBeenCalledWith(row);
    expect(publisher.markPublished).toHaveBeenCalledWith([row.message_id]);
  });

  it('takes nothing while the broker is unreachable, so the relay sends the row at once', () => {
    const { dispatcher, publisher, manager } = setUp();
    publisher.reachable = false;
    expect(dispatcher.take(manager, row)).toBe(0);
  });

  it('attempts no publish and postpones nothing when the broker went away before the commit', async () => {
    const { dispatcher, publisher, manager, commit } = setUp();
    dispatcher.take(manager, row);
    publisher.reachable = false;
    await commit();
    expect(publisher.publish).not.toHaveBeenCalled();
    expect(publisher.postpone).not.toHaveBeenCalled();
  });
});

import type { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import type { ConfirmedPublisher } from '../broker/confirmed-publisher';
import type { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { withDefaults } from '../txmsg.options';
import { CommitDispatcher } from './commit-dispatcher';
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
  const dataSource = {
    subscribers: [] as EntitySubscriberInterface[],
    query: jest.fn().mockResolvedValue({ affectedRows: 1 }),
    manager: { query: jest.fn() },
  };
  const relay = {
    running: true,
    publishLeaseMs: 6000,
    publish: jest.fn().mockResolvedValue(undefined),
    postpone: jest.fn().mockResolvedValue(undefined),
  };
  const publisher = { reachable: true };
  const metrics = { messagePublished: jest.fn(), publishFailed: jest.fn() };
  const options = withDefaults({ service: 'bank1', broker: { uri: 'amqp://localhost' } });
  const dispatcher = new CommitDispatcher(
    dataSource as unknown as DataSource,
    relay as unknown as OutboxRelay,
    publisher as unknown as ConfirmedPublisher,
    metrics as unknown as TxMsgMetrics,
    options,
  );
  dispatcher.onModuleInit();
  const runner = { data: {} as Record<string, unknown>, transactionDepth: 1 };
  const manager = { queryRunner: runner } as unknown as EntityManager;
  const commit = async () => {
    runner.transactionDepth = 0;
    dataSource.subscribers[0].afterTransactionCommit?.({ queryRunner: runner } as unknown as TransactionCommitEvent);
    await dispatcher.beforeApplicationShutdown();
  };
  return { dispatcher, relay, publisher, manager, commit };
}

describe(CommitDispatcher.name, () => {
  it('publishes a row taken in a transaction once that transaction commits', async () => {
    const { dispatcher, relay, manager, commit } = setUp();
    expect(dispatcher.take(manager, row)).toBe(6000);
    await commit();
    expect(relay.publish).toHaveBeenCalledWith(row);
  });

  it('takes nothing while the broker is unreachable, so the relay sends the row at once', () => {
    const { dispatcher, publisher, manager } = setUp();
    publisher.reachable = false;
    expect(dispatcher.take(manager, row)).toBe(0);
  });

  it('attempts no publish and postpones nothing when the broker went away before the commit', async () => {
    const { dispatcher, relay, publisher, manager, commit } = setUp();
    dispatcher.take(manager, row);
    publisher.reachable = false;
    await commit();
    expect(relay.publish).not.toHaveBeenCalled();
    expect(relay.postpone).not.toHaveBeenCalled();
  });
});

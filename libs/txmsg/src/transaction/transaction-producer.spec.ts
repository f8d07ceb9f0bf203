import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { OutboxWriter } from '../outbox/outbox-writer';
import { withDefaults } from '../txmsg.options';
import type { ListenerRegistry } from './listener-registry';
import type { LocalTransactionListener } from './local-transaction-listener';
import type { LocalTransactionState } from './local-transaction-state';
import type { TransactionMessage } from './transaction-message';
import { TransactionalListener } from './transactional-listener.decorator';
import { TransactionProducer } from './transaction-producer';

interface Started {
  txNo: string;
}

@TransactionalListener({ group: 'transfers' })
class StartListener implements LocalTransactionListener<Started, { debit: number }> {
  readonly executed: unknown[] = [];
  async execute(message: TransactionMessage<Started>, arg: { debit: number }): Promise<LocalTransactionState> {
    this.executed.push([message.group, message.payload.txNo, arg.debit]);
    return 'COMMIT';
  }
  async check(): Promise<LocalTransactionState> {
    return 'COMMIT';
  }
}

function setUp() {
  const listener = new StartListener();
  const registry = { get: jest.fn(() => listener) };
  const txHost = { isTransactionActive: () => false, withTransaction: (work: () => unknown) => work() };
  const writer = { write: jest.fn().mockResolvedValue('m-1'), hold: jest.fn() };
  const producer = new TransactionProducer(
    txHost as unknown as TransactionHost<TransactionalAdapterTypeOrm>,
    writer as unknown as OutboxWriter,
    registry as unknown as ListenerRegistry,
    withDefaults({ service: 'bank1', broker: { uri: 'amqp://localhost' } }),
  );
  return { producer, listener, registry };
}

describe(TransactionProducer.name, () => {
  it('finds the group of a listener passed by its class', async () => {
    const { producer, listener, registry } = setUp();
    const result = await producer.sendMessageInTransaction(
      StartListener,
      'bank1.transfer.started',
      { txNo: 't1' },
      { debit: 5 },
    );
    expect(result.state).toBe('COMMIT');
    expect(registry.get).toHaveBeenCalledWith('transfers');
    expect(listener.executed).toEqual([['transfers', 't1', 5]]);
  });

  it('still takes the group as a string', async () => {
    const { producer, registry } = setUp();
    await producer.sendMessageInTransaction('transfers', 'bank1.transfer.started', { txNo: 't2' }, { debit: 1 });
    expect(registry.get).toHaveBeenCalledWith('transfers');
  });

  it('types the payload and the arg by the listener class', () => {
    const { producer } = setUp();
    // Never called: the checks below are the compiler's (npm run typecheck fails if they do not hold).
    const typed = () => {
      // @ts-expect-error the payload must be the listener's
      void producer.sendMessageInTransaction(StartListener, 'k', { wrong: 1 }, { debit: 1 });
      // @ts-expect-error the arg must be the listener's
      void producer.sendMessageInTransaction(StartListener, 'k', { txNo: 't' }, { credit: 1 });
    };
    expect(typed).toEqual(expect.any(Function));
  });

  it('refuses a class that is not a transactional listener', async () => {
    const { producer } = setUp();
    class Plain implements LocalTransactionListener {
      execute = async (): Promise<LocalTransactionState> => 'COMMIT';
      check = async (): Promise<LocalTransactionState> => 'COMMIT';
    }
    await expect(producer.sendMessageInTransaction(Plain, 'k', {}, undefined)).rejects.toThrow(
      /@TransactionalListener/,
    );
  });
});

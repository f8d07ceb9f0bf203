import type { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import { TransactionHooks } from './transaction-hooks';

/** A query runner as TypeORM drives it: depth up on start, down before the commit/rollback event. */
function fakeTransaction() {
  const dataSource = { subscribers: [] as EntitySubscriberInterface[] } as unknown as DataSource;
  const runner = { data: {} as Record<string, unknown>, transactionDepth: 0 };
  const manager = { queryRunner: runner } as unknown as EntityManager;
  const event = { queryRunner: runner } as unknown as TransactionCommitEvent;
  const subscriber = () => dataSource.subscribers[0];
  return {
    dataSource,
    manager,
    start: () => void runner.transactionDepth++,
    commit: () => {
      runner.transactionDepth--;
      subscriber().afterTransactionCommit?.(event);
    },
    rollback: () => {
      runner.transactionDepth--;
      subscriber().afterTransactionRollback?.(event);
    },
  };
}

describe(TransactionHooks.name, () => {
  function setUp() {
    const tx = fakeTransaction();
    const hooks = new TransactionHooks(tx.dataSource);
    const received: string[] = [];
    const woken: string[] = [];
    const handOver = hooks.afterCommit<string>((items) => received.push(...items));
    const wake = hooks.afterCommit(() => woken.push('worker'));
    const write = (item: string) => {
      handOver.add(tx.manager, item);
      wake.add(tx.manager);
    };
    return { tx, received, woken, write, handOver };
  }

  it('hands over at the commit of a plain transaction, once', () => {
    const { tx, received, woken, write } = setUp();
    tx.start();
    write('a');
    write('b');
    tx.commit();
    expect(received).toEqual(['a', 'b']);
    expect(woken).toEqual(['worker']);
  });

  it('waits for the outermost commit when a nested transaction commits', () => {
    const { tx, received, woken, write } = setUp();
    tx.start();
    write('outer');
    tx.start();
    write('inner');
    tx.commit();
    expect(received).toEqual([]);
    expect(woken).toEqual([]);
    tx.commit();
    expect(received).toEqual(['outer', 'inner']);
    expect(woken).toEqual(['worker']);
  });

  it('drops only what a rolled-back nested transaction handed over, with what committed into it', () => {
    const { tx, received, write } = setUp();
    tx.start();
    write('outer');
    tx.start();
    write('inner');
    tx.start();
    write('innermost');
    tx.commit();
    tx.rollback();
    write('after');
    tx.commit();
    expect(received).toEqual(['outer', 'after']);
  });

  it('drops everything when the outermost transaction rolls back', () => {
    const { tx, received, woken, write } = setUp();
    tx.start();
    write('outer');
    tx.start();
    write('inner');
    tx.commit();
    tx.rollback();
    expect(received).toEqual([]);
    expect(woken).toEqual([]);
  });

  it('forgets a withdrawn item', () => {
    const { tx, received, write, handOver } = setUp();
    tx.start();
    write('kept');
    write('taken back');
    handOver.withdraw(tx.manager, (item) => item === 'taken back');
    tx.commit();
    expect(received).toEqual(['kept']);
  });
});

describe('TransactionHooks.beforeCommit', () => {
  function setUp() {
    const tx = fakeTransaction();
    const hooks = new TransactionHooks(tx.dataSource);
    const runner = (tx.manager as unknown as { queryRunner: object }).queryRunner;
    const event = { queryRunner: runner } as unknown as TransactionCommitEvent;
    return { tx, hooks, event };
  }

  it('makes the commit wait for work a caller could not await', async () => {
    const { tx, hooks, event } = setUp();
    let finish!: () => void;
    let done = false;
    hooks.beforeCommit(
      tx.manager,
      new Promise<void>((resolve) => (finish = resolve)).then(() => void (done = true)),
    );
    const commit = hooks.beforeTransactionCommit(event);
    await Promise.resolve();
    expect(done).toBe(false);
    finish();
    await commit;
    expect(done).toBe(true);
  });

  it('fails the commit when that work failed', async () => {
    const { tx, hooks, event } = setUp();
    hooks.beforeCommit(tx.manager, Promise.reject(new Error('insert failed')));
    await expect(hooks.beforeTransactionCommit(event)).rejects.toThrow('insert failed');
  });

  it('lets a rollback wait for the work without failing', async () => {
    const { tx, hooks, event } = setUp();
    hooks.beforeCommit(tx.manager, Promise.reject(new Error('insert failed')));
    await expect(hooks.beforeTransactionRollback(event)).resolves.toBeUndefined();
  });
});

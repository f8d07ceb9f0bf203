import type { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';

type Flags = Record<string, boolean>;

/** Asks for `worker` to be woken right after the transaction of `manager` commits. */
export function wakeAfterCommit(manager: EntityManager, worker: string): void {
  const runner = manager.queryRunner;
  if (!runner) return;
  const flags: Flags = (runner.data.txmsgWake ??= {});
  flags[worker] = true;
}

/**
 * Wakes background workers right after a transaction that gave them work commits, so latency
 * does not wait for their poll interval. One subscriber per DataSource; workers register by name.
 */
class AfterCommitSubscriber implements EntitySubscriberInterface {
  readonly wakers = new Map<string, () => void>();

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const flags = event.queryRunner.data?.txmsgWake as Flags | undefined;
    if (!flags) return;
    event.queryRunner.data.txmsgWake = undefined;
    for (const name of Object.keys(flags)) this.wakers.get(name)?.();
  }
}

/** Registers `wake` to run after commits flagged for `worker` on this DataSource. */
export function onCommitWake(dataSource: DataSource, worker: string, wake: () => void): void {
  let subscriber = dataSource.subscribers.find((s): s is AfterCommitSubscriber => s instanceof AfterCommitSubscriber);
  if (!subscriber) {
    subscriber = new AfterCommitSubscriber();
    dataSource.subscribers.push(subscriber);
  }
  subscriber.wakers.set(worker, wake);
}

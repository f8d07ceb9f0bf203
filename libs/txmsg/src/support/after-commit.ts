import type {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';

type Flags = Record<string, boolean>;

/** Asks for `worker` to be woken right after the transaction of `manager` commits. */
export function wakeAfterCommit(manager: EntityManager, worker: string): void {
  const runner = manager.queryRunner;
  if (!runner) return;
  const flags: Flags = (runner.data.txmsgWake ??= {});
  flags[worker] = true;
}

/** Hands `item` to the handler registered for `channel`, right after the transaction of `manager` commits. */
export function handOverAfterCommit<T>(manager: EntityManager, channel: string, item: T): void {
  const runner = manager.queryRunner;
  if (!runner) return;
  const items: Record<string, unknown[]> = (runner.data.txmsgHandOver ??= {});
  (items[channel] ??= []).push(item);
}

/** Takes back what {@link handOverAfterCommit} handed over on `channel` and `matches`. */
export function withdrawAfterCommit<T>(manager: EntityManager, channel: string, matches: (item: T) => boolean): void {
  const items = manager.queryRunner?.data.txmsgHandOver?.[channel] as T[] | undefined;
  if (!items) return;
  const kept = items.filter((item) => !matches(item));
  items.splice(0, items.length, ...kept);
}

/**
 * Runs work that a transaction asked for right after it commits — waking background workers so
 * latency does not wait for their poll interval, handing over what it wrote — and forgets it all
 * when the transaction rolls back. One subscriber per DataSource; workers register by name.
 */
class AfterCommitSubscriber implements EntitySubscriberInterface {
  readonly wakers = new Map<string, () => void>();
  readonly receivers = new Map<string, (items: unknown[]) => void>();

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const data = event.queryRunner.data ?? {};
    const flags = data.txmsgWake as Flags | undefined;
    const items = data.txmsgHandOver as Record<string, unknown[]> | undefined;
    data.txmsgWake = undefined;
    data.txmsgHandOver = undefined;
    for (const [channel, list] of Object.entries(items ?? {})) this.receivers.get(channel)?.(list);
    for (const name of Object.keys(flags ?? {})) this.wakers.get(name)?.();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.data) return;
    event.queryRunner.data.txmsgWake = undefined;
    event.queryRunner.data.txmsgHandOver = undefined;
  }
}

function subscriberOf(dataSource: DataSource): AfterCommitSubscriber {
  let subscriber = dataSource.subscribers.find((s): s is AfterCommitSubscriber => s instanceof AfterCommitSubscriber);
  if (!subscriber) {
    subscriber = new AfterCommitSubscriber();
    dataSource.subscribers.push(subscriber);
  }
  return subscriber;
}

/** Registers `wake` to run after commits flagged for `worker` on this DataSource. */
export function onCommitWake(dataSource: DataSource, worker: string, wake: () => void): void {
  subscriberOf(dataSource).wakers.set(worker, wake);
}

/** Registers `receive` for what committed transactions handed over on `channel`. */
export function onCommitHandOver<T>(dataSource: DataSource, channel: string, receive: (items: T[]) => void): void {
  subscriberOf(dataSource).receivers.set(channel, receive as (items: unknown[]) => void);
}

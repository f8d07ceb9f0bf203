import type {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';

/**
 * What a transaction asked for after its commit, tagged with the nesting depth that asked: a
 * nested transaction (a savepoint) that commits passes its work on to the transaction around it,
 * one that rolls back drops only its own, and only the outermost commit runs it.
 */
type Pending = { depth: number } & ({ wake: string } | { channel: string; item: unknown });

/**
 * How many transactions are open on `runner`, 1 for the outermost; after a commit or rollback
 * event, the depth it returned to. TypeORM keeps it on every query runner but does not declare it
 * public.
 */
function depthOf(runner: QueryRunner): number {
  return (runner as unknown as { transactionDepth?: number }).transactionDepth ?? 0;
}

function pendingOf(manager: EntityManager): { list: Pending[]; depth: number } | undefined {
  const runner = manager.queryRunner;
  if (!runner) return undefined;
  const list: Pending[] = (runner.data.txmsgPending ??= []);
  return { list, depth: depthOf(runner) };
}

/** Asks for `worker` to be woken right after the outermost transaction of `manager` commits. */
export function wakeAfterCommit(manager: EntityManager, worker: string): void {
  const pending = pendingOf(manager);
  pending?.list.push({ depth: pending.depth, wake: worker });
}

/**
 * Hands `item` to the handler registered for `channel`, right after the outermost transaction of
 * `manager` commits; never if that transaction, or the nested one that handed it over, rolls back.
 */
export function handOverAfterCommit<T>(manager: EntityManager, channel: string, item: T): void {
  const pending = pendingOf(manager);
  pending?.list.push({ depth: pending.depth, channel, item });
}

/** Takes back what {@link handOverAfterCommit} handed over on `channel` and `matches`. */
export function withdrawAfterCommit<T>(manager: EntityManager, channel: string, matches: (item: T) => boolean): void {
  const list = manager.queryRunner?.data.txmsgPending as Pending[] | undefined;
  if (!list) return;
  const kept = list.filter((p) => !('channel' in p && p.channel === channel && matches(p.item as T)));
  list.splice(0, list.length, ...kept);
}

/**
 * Runs work that a transaction asked for right after it commits — waking background workers so
 * latency does not wait for their poll interval, handing over what it wrote — and forgets it all
 * when the transaction rolls back. One subscriber per DataSource; workers register by name.
 *
 * TypeORM fires the same events for a savepoint's `RELEASE` and `ROLLBACK TO` as for the real
 * `COMMIT` and `ROLLBACK`, after it has lowered the query runner's transaction depth: a depth of 0
 * is the outermost transaction ending, anything else a nested one.
 */
class AfterCommitSubscriber implements EntitySubscriberInterface {
  readonly wakers = new Map<string, () => void>();
  readonly receivers = new Map<string, (items: unknown[]) => void>();

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    const list = runner.data?.txmsgPending as Pending[] | undefined;
    if (!list) return;
    const depth = depthOf(runner);
    if (depth > 0) {
      for (const p of list) p.depth = Math.min(p.depth, depth);
      return;
    }
    runner.data.txmsgPending = undefined;
    const items = new Map<string, unknown[]>();
    const wake = new Set<string>();
    for (const p of list) {
      if ('wake' in p) wake.add(p.wake);
      else if (items.has(p.channel)) items.get(p.channel)?.push(p.item);
      else items.set(p.channel, [p.item]);
    }
    for (const [channel, handed] of items) this.receivers.get(channel)?.(handed);
    for (const name of wake) this.wakers.get(name)?.();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const runner = event.queryRunner;
    const list = runner.data?.txmsgPending as Pending[] | undefined;
    if (!list) return;
    const depth = depthOf(runner);
    if (depth > 0) list.splice(0, list.length, ...list.filter((p) => p.depth <= depth));
    else runner.data.txmsgPending = undefined;
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

import type { EntityManager, QueryRunner } from 'typeorm';

/**
 * What a transaction asked for after its commit, tagged with the nesting depth that asked: a
 * nested transaction (a savepoint) that commits passes its work on to the transaction around it,
 * one that rolls back drops only its own, and only the outermost commit runs it.
 */
export interface PendingItem {
  depth: number;
  hook: AfterCommitHook<unknown>;
  item: unknown;
}

/**
 * How many transactions are open on `runner`, 1 for the outermost; after a commit or rollback
 * event, the depth it returned to. TypeORM keeps it on every query runner but does not declare it
 * public.
 */
export function depthOf(runner: QueryRunner): number {
  return (runner as unknown as { transactionDepth?: number }).transactionDepth ?? 0;
}

/** The work pending on `runner`'s transaction (created on first use). */
export function pendingOn(runner: QueryRunner): PendingItem[] {
  return (runner.data.txmsgPending ??= []) as PendingItem[];
}

/**
 * One kind of work to run right after a transaction commits, with items of type `T` (`void` for
 * a plain wake-up). Made by {@link TransactionHooks.afterCommit}, owned by the class that handles it.
 */
export class AfterCommitHook<T> {
  constructor(readonly handle: (items: T[]) => void) {}

  /**
   * Hands `item` to the handler right after the outermost transaction of `manager` commits; never
   * if that transaction, or the nested one that added it, rolls back. Outside a transaction: nothing.
   */
  add(manager: EntityManager, item: T): void {
    const runner = manager.queryRunner;
    if (!runner) return;
    pendingOn(runner).push({ depth: depthOf(runner), hook: this as AfterCommitHook<unknown>, item });
  }

  /** Takes back what {@link add} handed over in the transaction of `manager` and `matches`. */
  withdraw(manager: EntityManager, matches: (item: T) => boolean): void {
    const list = manager.queryRunner?.data.txmsgPending as PendingItem[] | undefined;
    if (!list) return;
    const kept = list.filter((p) => !(p.hook === this && matches(p.item as T)));
    list.splice(0, list.length, ...kept);
  }
}

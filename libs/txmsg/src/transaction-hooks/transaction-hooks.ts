import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import { AfterCommitHook, depthOf, type PendingItem } from './after-commit-hook';

/**
 * Runs work that a transaction asked for right after it commits — waking background workers so
 * latency does not wait for their poll interval, handing over what it wrote — and forgets it all
 * when the transaction rolls back. Registered as a subscriber of the DataSource; each owner makes
 * its own typed {@link AfterCommitHook}.
 *
 * TypeORM fires the same events for a savepoint's `RELEASE` and `ROLLBACK TO` as for the real
 * `COMMIT` and `ROLLBACK`, after it has lowered the query runner's transaction depth: a depth of 0
 * is the outermost transaction ending, anything else a nested one.
 */
@Injectable()
export class TransactionHooks implements EntitySubscriberInterface {
  constructor(@InjectDataSource() dataSource: DataSource) {
    dataSource.subscribers.push(this);
  }

  /** A hook whose items `handle` receives, in order, once per outermost commit that added any. */
  afterCommit<T = void>(handle: (items: T[]) => void): AfterCommitHook<T> {
    return new AfterCommitHook<T>(handle);
  }

  /**
   * Makes the commit of the transaction of `manager` (or of the nested one open now) wait for
   * `work`, and fail — so the transaction rolls back — if `work` fails: for writes started by a
   * caller that cannot await them, such as an event bus's `publish`.
   */
  beforeCommit(manager: EntityManager, work: Promise<unknown>): void {
    const runner = manager.queryRunner;
    if (!runner) return;
    work.catch(() => undefined); // awaited, and rethrown, at the commit
    ((runner.data.txmsgBeforeCommit ??= []) as Promise<unknown>[]).push(work);
  }

  /** Awaits the work handed to {@link beforeCommit}; a failure fails the commit. */
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    await Promise.all(this.takeWork(event.queryRunner));
  }

  /** A write still on its way must land before the rollback, or it would run after it, unguarded. */
  async beforeTransactionRollback(event: TransactionRollbackEvent): Promise<void> {
    await Promise.allSettled(this.takeWork(event.queryRunner));
  }

  /** Runs the hooks at the outermost commit; a nested commit passes them to its parent. */
  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    const list = runner.data?.txmsgPending as PendingItem[] | undefined;
    if (!list) return;
    const depth = depthOf(runner);
    if (depth > 0) {
      for (const p of list) p.depth = Math.min(p.depth, depth);
      return;
    }
    runner.data.txmsgPending = undefined;
    const byHook = new Map<AfterCommitHook<unknown>, unknown[]>();
    for (const p of list) {
      if (byHook.has(p.hook)) byHook.get(p.hook)?.push(p.item);
      else byHook.set(p.hook, [p.item]);
    }
    for (const [hook, items] of byHook) hook.handle(items);
  }

  /** Forgets what the rolled-back transaction (or savepoint) added. */
  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const runner = event.queryRunner;
    const list = runner.data?.txmsgPending as PendingItem[] | undefined;
    if (!list) return;
    const depth = depthOf(runner);
    if (depth > 0) list.splice(0, list.length, ...list.filter((p) => p.depth <= depth));
    else runner.data.txmsgPending = undefined;
  }

  private takeWork(runner: QueryRunner): Promise<unknown>[] {
    const work = (runner.data?.txmsgBeforeCommit ?? []) as Promise<unknown>[];
    if (runner.data) runner.data.txmsgBeforeCommit = undefined;
    return work;
  }
}

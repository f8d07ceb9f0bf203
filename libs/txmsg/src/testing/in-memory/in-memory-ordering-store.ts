import { Injectable } from '@nestjs/common';
import type { OrderingStore } from '../../store/ordering-store';
import { type TestTransaction, type TransactionParticipant, TestTransactions } from './test-transactions';

/**
 * The sequence numbers of ordering keys, as the outbox writer takes them from the real store:
 * 1, 2, 3… per key in commit order, a number taken by a transaction that rolls back given again.
 * (The consumer side of ordering is not simulated: the test harness delivers in commit order.)
 */
@Injectable()
export class InMemoryOrderingStore implements TransactionParticipant, Pick<OrderingStore, 'nextSeq'> {
  private readonly last = new Map<string, number>();
  private readonly taken = new Map<TestTransaction, Map<string, number>>();

  constructor(private readonly transactions: TestTransactions) {}

  async nextSeq(_em: unknown, key: string): Promise<number> {
    const tx = this.transactions.current();
    let seq = (this.last.get(key) ?? 0) + 1;
    for (let t = tx; t; t = t.parent) seq = Math.max(seq, (this.taken.get(t)?.get(key) ?? 0) + 1);
    if (!tx) this.last.set(key, seq);
    else {
      const own = this.taken.get(tx) ?? new Map<string, number>();
      own.set(key, seq);
      this.taken.set(tx, own);
      tx.enlist(this);
    }
    return seq;
  }

  committed(tx: TestTransaction, parent: TestTransaction | undefined): void {
    const own = this.taken.get(tx);
    this.taken.delete(tx);
    for (const [key, seq] of own ?? []) {
      if (!parent) this.last.set(key, Math.max(seq, this.last.get(key) ?? 0));
      else {
        const into = this.taken.get(parent) ?? new Map<string, number>();
        into.set(key, Math.max(seq, into.get(key) ?? 0));
        this.taken.set(parent, into);
      }
    }
  }

  rolledBack(tx: TestTransaction): void {
    this.taken.delete(tx);
  }
}

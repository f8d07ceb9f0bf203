import { Injectable } from '@nestjs/common';
import type { DedupOutcome, DedupStore } from '../../store/dedup-store';
import { type TestTransaction, type TransactionParticipant, TestTransactions } from './test-transactions';

interface DedupRow {
  payloadHash: string;
  /** The transaction that wrote it, until that commits for good. */
  tx?: TestTransaction;
}

/**
 * The dedup rows of a testing module, as the consumer runtime records them on the real store:
 * one per (consumer, dedup key), written in the handler's transaction, so a handler that throws
 * leaves no row and its message is applied on a later attempt.
 */
@Injectable()
export class InMemoryDedupStore implements TransactionParticipant, Pick<DedupStore, 'record'> {
  private readonly rows = new Map<string, DedupRow>();

  constructor(private readonly transactions: TestTransactions) {}

  async record(
    _em: unknown,
    consumer: string,
    key: string,
    _messageId: string,
    payloadHash: string,
  ): Promise<DedupOutcome> {
    const id = `${consumer}\0${key}`;
    const tx = this.transactions.current();
    const row = this.rows.get(id);
    if (row && (!tx || tx.sees(row.tx))) {
      return row.payloadHash === payloadHash ? 'duplicate' : { conflictsWith: row.payloadHash };
    }
    this.rows.set(id, { payloadHash, tx });
    tx?.enlist(this);
    return 'fresh';
  }

  /** Whether `consumer` has applied (and committed) the message of dedup key `key`. */
  has(consumer: string, key: string): boolean {
    const row = this.rows.get(`${consumer}\0${key}`);
    return !!row && !row.tx;
  }

  committed(tx: TestTransaction, parent: TestTransaction | undefined): void {
    for (const row of this.rows.values()) if (row.tx === tx) row.tx = parent;
  }

  rolledBack(tx: TestTransaction): void {
    for (const [id, row] of this.rows) if (row.tx === tx) this.rows.delete(id);
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';

/** An in-memory store that keeps what a {@link TestTransaction} wrote until it ends. */
export interface TransactionParticipant {
  /** `tx` committed: into `parent` when it was nested (a savepoint released), else for good. */
  committed(tx: TestTransaction, parent: TestTransaction | undefined): void;
  /** `tx` rolled back: what it wrote is gone. */
  rolledBack(tx: TestTransaction): void;
}

/**
 * One transaction of a test: the in-memory stores tag what they write with it, and learn at its
 * end whether it committed. A nested one (`Propagation.Nested`) commits into its parent, so its
 * writes count only once the outermost transaction commits, and roll back alone.
 */
export class TestTransaction {
  private readonly participants = new Set<TransactionParticipant>();

  constructor(readonly parent?: TestTransaction) {}

  /** Tells `participant` how this transaction ends. */
  enlist(participant: TransactionParticipant): void {
    this.participants.add(participant);
  }

  /** Whether a write tagged with `writer` (undefined: committed) is visible in this transaction. */
  sees(writer: TestTransaction | undefined): boolean {
    if (writer === undefined || writer === this) return true;
    return this.parent?.sees(writer) ?? false;
  }

  commit(): void {
    for (const participant of this.participants) {
      participant.committed(this, this.parent);
      this.parent?.enlist(participant);
    }
  }

  rollback(): void {
    for (const participant of this.participants) participant.rolledBack(this);
  }
}

/**
 * The transactions of one testing module. Each runs its function in an async context of its own,
 * so the stores find the transaction they write in without a database connection to key it by;
 * it commits when the function resolves and rolls back when it rejects, as a database transaction
 * opened by `@Transactional()` does.
 */
export class TestTransactions {
  private readonly context = new AsyncLocalStorage<TestTransaction>();

  /** The innermost transaction the caller runs in, if any. */
  current(): TestTransaction | undefined {
    return this.context.getStore();
  }

  /** Runs `fn` in a new transaction, nested in `parent` when given. */
  async run<T>(parent: TestTransaction | undefined, fn: () => Promise<T>): Promise<T> {
    const tx = new TestTransaction(parent);
    let result: T;
    try {
      result = await this.context.run(tx, fn);
    } catch (error) {
      tx.rollback();
      throw error;
    }
    tx.commit();
    return result;
  }

  /** Runs `fn` outside any transaction: what it writes is committed at once. */
  outside<T>(fn: () => T): T {
    return this.context.exit(fn);
  }
}

import { Injectable } from '@nestjs/common';
import type { OutboxStatus } from '../../outbox/outbox-message';
import type { OutboxRow } from '../../outbox/outbox-row';
import type { OutboxStore } from '../../store/outbox-store';
import type { PreparedRow } from '../../transaction/prepared-row';
import { type TestTransaction, type TransactionParticipant, TestTransactions } from './test-transactions';

/** One message of the in-memory outbox. */
export interface OutboxEntry {
  id: string;
  row: OutboxRow;
  status: OutboxStatus;
  group?: string;
  dueInMs: number;
  checkCount: number;
  /** The transaction that wrote it, until that commits for good. */
  tx?: TestTransaction;
  /** A change of status made in a transaction still open. */
  change?: { status: OutboxStatus; tx: TestTransaction };
  /** Its place in the order of commits, once committed. */
  committedAt?: number;
}

/**
 * The outbox table of a testing module, behind the methods the outbox writer, the transactional
 * producer and check-back call on the real store: rows written in a transaction exist for the
 * others once it commits, and vanish if it rolls back.
 */
@Injectable()
export class InMemoryOutboxStore
  implements
    TransactionParticipant,
    Pick<OutboxStore, 'insert' | 'hold' | 'cancelScheduled' | 'commitPrepared' | 'discardPrepared'>
{
  private readonly entries: OutboxEntry[] = [];
  private commits = 0;

  constructor(private readonly transactions: TestTransactions) {}

  async insert(_em: unknown, row: OutboxRow, status: OutboxStatus, group: string | undefined, dueInMs: number) {
    const tx = this.transactions.current();
    const entry: OutboxEntry = { id: String(this.entries.length + 1), row, status, group, dueInMs, checkCount: 0, tx };
    this.entries.push(entry);
    if (tx) tx.enlist(this);
    else entry.committedAt = ++this.commits;
  }

  async hold(_em: unknown, messageId: string, dueInMs: number): Promise<void> {
    const entry = this.visible(messageId);
    if (entry?.status !== 'READY') return;
    entry.status = 'PREPARED';
    entry.dueInMs = dueInMs;
  }

  async cancelScheduled(messageId: string, on?: unknown): Promise<boolean> {
    const tx = on === undefined ? undefined : this.transactions.current();
    const entry = this.visible(messageId, tx);
    if (!entry || this.statusOf(entry, tx) !== 'SCHEDULED' || (entry.change && entry.change.tx !== tx)) return false;
    if (!tx || entry.tx === tx) entry.status = 'CANCELLED';
    else {
      entry.change = { status: 'CANCELLED', tx };
      tx.enlist(this);
    }
    return true;
  }

  async commitPrepared(id: string): Promise<boolean> {
    return this.move(id, 'PREPARED', 'READY');
  }

  async discardPrepared(id: string, _reason: string): Promise<boolean> {
    return this.move(id, 'PREPARED', 'DISCARDED');
  }

  committed(tx: TestTransaction, parent: TestTransaction | undefined): void {
    for (const entry of this.entries) {
      if (entry.tx === tx) {
        entry.tx = parent;
        if (!parent) entry.committedAt = ++this.commits;
      }
      if (entry.change?.tx === tx) {
        if (parent) entry.change.tx = parent;
        else {
          entry.status = entry.change.status;
          delete entry.change;
        }
      }
    }
  }

  rolledBack(tx: TestTransaction): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i].tx === tx) this.entries.splice(i, 1);
      else if (this.entries[i].change?.tx === tx) delete this.entries[i].change;
    }
  }

  /** Committed messages that count as sent (published, to be published, or delayed), in commit order. */
  sent(): OutboxEntry[] {
    return this.entries
      .filter((e) => !e.tx && (e.status === 'READY' || e.status === 'PUBLISHED' || e.status === 'SCHEDULED'))
      .sort((a, b) => a.committedAt! - b.committedAt!);
  }

  /** The committed READY rows, marked PUBLISHED: what the relay hands to the broker now. */
  takeReady(): OutboxRow[] {
    const ready = this.sent().filter((e) => e.status === 'READY');
    for (const entry of ready) entry.status = 'PUBLISHED';
    return ready.map((e) => e.row);
  }

  /** Makes every committed delayed message due now (no transaction holds back); returns how many. */
  releaseScheduled(): number {
    const due = this.sent().filter((e) => e.status === 'SCHEDULED' && !e.change);
    for (const entry of due) entry.status = 'READY';
    return due.length;
  }

  /** Every committed half message, each with one more check counted, as check-back leases them. */
  leasePrepared(): PreparedRow[] {
    return this.entries
      .filter((e) => !e.tx && e.status === 'PREPARED')
      .map((e) => ({
        id: e.id,
        message_id: e.row.message_id,
        routing_key: e.row.routing_key,
        payload: e.row.payload,
        tx_group: e.group ?? '',
        check_count: ++e.checkCount,
      }));
  }

  private move(id: string, from: OutboxStatus, to: OutboxStatus): boolean {
    const entry = this.entries.find((e) => e.id === id && !e.tx);
    if (entry?.status !== from) return false;
    entry.status = to;
    // A half message committed by check-back is sent now, after those committed before.
    if (to === 'READY') entry.committedAt = ++this.commits;
    return true;
  }

  private visible(messageId: string, tx = this.transactions.current()): OutboxEntry | undefined {
    return this.entries.find((e) => e.row.message_id === messageId && (tx ? tx.sees(e.tx) : !e.tx));
  }

  private statusOf(entry: OutboxEntry, tx: TestTransaction | undefined): OutboxStatus {
    return entry.change && tx?.sees(entry.change.tx) ? entry.change.status : entry.status;
  }
}

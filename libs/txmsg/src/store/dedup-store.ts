import { Injectable } from '@nestjs/common';
import { affectedRows } from '../support/affected-rows';
import { isDuplicateKeyError } from '../support/deadlock';
import { type Queryable, StoreDatabase } from './store-database';

/**
 * What {@link DedupStore.record} found: a fresh key (the effect is to be applied now), a
 * duplicate (the same body was applied before), or a conflict (another body was applied under
 * this key; its hash is given).
 */
export type DedupOutcome = 'fresh' | 'duplicate' | { conflictsWith: string };

/**
 * `txmsg_dedup`: one row per (consumer, dedup key) whose effect has been applied, written in the
 * business transaction that applies it, so the effect and the row commit or roll back together.
 * Rows are purged after the retention, which exceeds the whole retry ladder.
 */
@Injectable()
export class DedupStore {
  constructor(private readonly db: StoreDatabase) {}

  /**
   * Inserts the row `(consumer, key)` with the body's hash in the transaction of `em`. When the
   * row exists, the effect of an earlier delivery was already applied (and committed): a
   * duplicate if its body had the same hash (or was applied before hashes were kept), else a
   * conflict nobody may silently take for a duplicate.
   */
  async record(
    em: Queryable,
    consumer: string,
    key: string,
    messageId: string,
    payloadHash: string,
  ): Promise<DedupOutcome> {
    if (await this.insertFresh(em, [consumer, key, messageId, payloadHash])) return 'fresh';
    // A locking read: it sees the committed row even where the transaction's snapshot is older.
    const [row] = await this.db.query<Array<{ payload_hash: string | null }>>(
      `SELECT payload_hash FROM txmsg_dedup WHERE consumer = ? AND dedup_key = ? ${this.db.dialect.forShare}`,
      [consumer, key],
      em,
    );
    const applied = row?.payload_hash ?? null;
    return applied === null || applied === payloadHash ? 'duplicate' : { conflictsWith: applied };
  }

  /**
   * Deletes up to `batchSize` rows applied more than `retentionMs` ago, in one autocommit
   * statement; returns how many.
   */
  async purgeOlderThan(retentionMs: number, batchSize: number): Promise<number> {
    const old = `processed_at < ${this.db.dialect.nowPlusMicros}`;
    const statement =
      this.db.dialect.name === 'postgres'
        ? `DELETE FROM txmsg_dedup WHERE (consumer, dedup_key) IN (SELECT consumer, dedup_key FROM txmsg_dedup WHERE ${old} LIMIT ?)`
        : `DELETE FROM txmsg_dedup WHERE ${old} LIMIT ?`;
    return affectedRows(await this.db.query(statement, [-retentionMs * 1000, batchSize]));
  }

  /**
   * True when the row was inserted, false when the key was there already. PostgreSQL must not
   * meet the duplicate as an error (that would abort the business transaction), so it skips the
   * insert and says so by returning no row; MySQL/MariaDB report the duplicate without harm to the
   * transaction.
   */
  private async insertFresh(em: Queryable, params: string[]): Promise<boolean> {
    const insert = `INSERT INTO txmsg_dedup (consumer, dedup_key, message_id, payload_hash) VALUES (?, ?, ?, ?)`;
    if (this.db.dialect.name === 'postgres') {
      const rows = await this.db.query<unknown[]>(
        `${insert} ON CONFLICT (consumer, dedup_key) DO NOTHING RETURNING 1 AS fresh`,
        params,
        em,
      );
      return rows.length > 0;
    }
    try {
      await this.db.query(insert, params, em);
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return false;
    }
  }
}

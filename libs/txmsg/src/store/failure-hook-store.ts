import { Injectable } from '@nestjs/common';
import type { LeasedFailureHook, NewFailureHook } from './failure-hook-rows';
import { type Queryable, StoreDatabase } from './store-database';

/**
 * `txmsg_failure_hook`: failures announced to the application's hooks, one row per outcome (a
 * parked message, an exhausted notification), written in the very transaction that records the
 * outcome, so an outcome that committed is announced even if the process dies right after.
 *
 * Written pending → leased for a run (`next_attempt_at` moved ahead) → deleted once every hook
 * returned, or due again later after a hook threw. Updates after a run only touch the row as
 * leased (same attempts), so a run whose lease ran out never overwrites a later one's outcome.
 */
@Injectable()
export class FailureHookStore {
  constructor(private readonly db: StoreDatabase) {}

  private get d() {
    return this.db.dialect;
  }

  /** Writes a pending announcement, due now, in the transaction of `em`. */
  async insert(em: Queryable, hook: NewFailureHook): Promise<void> {
    await this.db.query(
      `INSERT INTO txmsg_failure_hook (outcome, event, attempts, next_attempt_at) VALUES (?, ?, 0, ${this.d.now})`,
      [hook.outcome, hook.event],
      em,
    );
  }

  /** Leases up to `limit` due announcements for `leaseMs`, oldest first (see {@link StoreDatabase.lease}). */
  async leaseDue(limit: number, leaseMs: number): Promise<LeasedFailureHook[]> {
    const select = `SELECT id, outcome, event, attempts FROM txmsg_failure_hook
                     WHERE next_attempt_at <= ${this.d.now}
                     ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED`;
    const rows = await this.db.lease<LeasedFailureHook>('txmsg_failure_hook', select, [limit], leaseMs);
    return rows.map((row) => ({ ...row, id: String(row.id), attempts: Number(row.attempts) }));
  }

  /** Forgets an announcement whose hooks all returned, if it is still as leased. */
  async done(row: Pick<LeasedFailureHook, 'id' | 'attempts'>): Promise<void> {
    await this.db.query(`DELETE FROM txmsg_failure_hook WHERE id = ? AND attempts = ?`, [row.id, row.attempts]);
  }

  /** Counts a failed run and makes the announcement due again `delayMs` from now, if it is still as leased. */
  async failed(row: Pick<LeasedFailureHook, 'id' | 'attempts'>, error: string, delayMs: number): Promise<void> {
    await this.db.query(
      `UPDATE txmsg_failure_hook SET attempts = attempts + 1, last_error = ?, next_attempt_at = ${this.d.nowPlusMicros}
        WHERE id = ? AND attempts = ?`,
      [error.slice(0, 2000), delayMs * 1000, row.id, row.attempts],
    );
  }
}

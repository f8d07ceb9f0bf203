import { dialectFor, runSql } from '@app/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';

/** Rows given a position per statement; a larger backlog takes several. */
const BATCH = 1000;
/** Batches per call, so one call stays short even after a long time without readers. */
const MAX_BATCHES = 10;

/**
 * Gives every committed recharge without one a list position greater than any given before.
 *
 * Why not page by id: a recharge's id is taken when its transaction inserts, yet a transaction
 * that started earlier may commit later; a reader that has passed a later id would never see it.
 * Positions go only to rows already committed, and every sequencing transaction first locks the
 * one `recharge_sequence` row, so they run one after another and their positions grow with their
 * commit order. A reader sees a prefix of those commits: a result committed late gets a position
 * after every one a reader has been given.
 *
 * Runs in its own READ COMMITTED transaction (each statement sees what is committed by then,
 * and no gap locks hold up pay's inserts); rows still uncommitted are simply not seen yet.
 */
@Injectable()
export class RechargeSequencer {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Returns how many recharges got a position. */
  async sequence(): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const count = await this.sequenceBatch();
      total += count;
      if (count < BATCH) break;
    }
    return total;
  }

  @Transactional<TransactionalAdapterTypeOrm>({ isolationLevel: 'READ COMMITTED' })
  private async sequenceBatch(): Promise<number> {
    const em = this.txHost.tx;
    const [counter] = await runSql(
      em,
      `SELECT last_position FROM recharge_sequence WHERE name = 'recharge' FOR UPDATE`,
    );
    if (!counter) throw new Error('recharge_sequence has no row "recharge": the pay migrations did not run');
    const rows: { id: string }[] = await runSql(
      em,
      `SELECT id FROM recharge WHERE commit_position IS NULL ORDER BY id LIMIT ${BATCH}`,
    );
    if (rows.length === 0) return 0;
    const ids = rows.map((row) => row.id);
    // Positions keep the gaps between ids (first = last + 1): one statement, still increasing.
    const last = BigInt(counter.last_position);
    const first = BigInt(ids[0]);
    const offset = last + 1n - first;
    // The offset travels as a string (it may pass 2^53): cast to a 64-bit integer, so the sum is exact.
    const dialect = dialectFor(em);
    const integer = dialect.name === 'postgres' ? 'BIGINT' : 'SIGNED';
    await runSql(em, `UPDATE recharge SET commit_position = id + CAST(? AS ${integer}) WHERE ${dialect.anyOf('id')}`, [
      offset.toString(),
      ids,
    ]);
    const newLast = last + BigInt(ids[ids.length - 1]) - first + 1n;
    await runSql(em, `UPDATE recharge_sequence SET last_position = ? WHERE name = 'recharge'`, [newLast.toString()]);
    return ids.length;
  }
}

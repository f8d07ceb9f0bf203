import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { affectedRows } from '../support/affected-rows';
import { type Queryable, StoreDatabase } from './store-database';

/** Where an ordered consumer stands on one key of one producing service. */
export interface OrderingCursor {
  source: string;
  key: string;
  /** The last sequence number applied (0: none yet). */
  lastSeq: number;
  /** The next sequence number when it is known to be failing (on the retry ladder, or parked). */
  blockedSeq: number | null;
  /** The highest sequence number ever held back; none held above it. */
  maxHeldSeq: number;
}

/** A message kept until its predecessor is applied. */
export interface HeldMessage {
  consumer: string;
  source: string;
  key: string;
  seq: number;
  messageId: string;
  queue: string;
  /** The AMQP properties of the message as received, as JSON. */
  properties: string;
  body: Buffer;
}

/** A held message leased to be sent back to its consumer's queue. */
export interface ReleasedMessage {
  id: string;
  message_id: string;
  queue: string;
  properties: string;
  body: Buffer;
  version: number;
}

/** A key an ordered consumer waits on, as the admin API lists it. */
export interface BlockedKey {
  consumer: string;
  source: string;
  key: string;
  lastSeq: number;
  /** The sequence number failing (on the ladder or parked); null when waiting for one that never arrived. */
  blockedSeq: number | null;
  blockedAt: Date | null;
  /** Messages of the key held back meanwhile. */
  held: number;
  oldestHeldAt: Date | null;
}

/**
 * The tables of ordered messages: `txmsg_ordering_sequence` (the producer's numbers per key),
 * `txmsg_ordering_cursor` (each ordered consumer's place per key) and `txmsg_ordering_held`
 * (messages that arrived before their predecessor).
 *
 * A held row is due (`next_attempt_at` set) when its predecessor has been applied or when the
 * wait for a predecessor never seen runs out, and waits (`next_attempt_at` NULL) while its
 * predecessor is known to be failing. Every write to a held row moves its `version` on, so a
 * sender that leased it can tell whether the consumer has touched it since.
 */
@Injectable()
export class OrderingStore {
  constructor(private readonly db: StoreDatabase) {}

  private get d() {
    return this.db.dialect;
  }

  /**
   * The next sequence number of `key`, in the transaction of `em`. The key's row stays locked
   * until that transaction ends, so numbers follow the commit order of the transactions taking them.
   */
  async nextSeq(em: EntityManager, key: string): Promise<number> {
    if (this.d.name === 'postgres') {
      const [row] = await this.db.query<Array<{ last_seq: string }>>(
        `INSERT INTO txmsg_ordering_sequence (ordering_key, last_seq) VALUES (?, 1)
         ON CONFLICT (ordering_key) DO UPDATE SET last_seq = txmsg_ordering_sequence.last_seq + 1
         RETURNING last_seq`,
        [key],
        em,
      );
      return Number(row.last_seq);
    }
    await this.db.query(
      `INSERT INTO txmsg_ordering_sequence (ordering_key, last_seq) VALUES (?, LAST_INSERT_ID(1))
       ON DUPLICATE KEY UPDATE last_seq = LAST_INSERT_ID(last_seq + 1)`,
      [key],
      em,
    );
    const [row] = await this.db.query<Array<{ seq: string }>>('SELECT LAST_INSERT_ID() AS seq', [], em);
    return Number(row.seq);
  }

  /**
   * Locks (creating it at 0 where missing) the cursor of `consumer` on each key, in one order
   * whatever order the keys come in, so two transactions locking the same keys cannot deadlock;
   * returns them as they stand once locked.
   */
  async lockCursors(
    em: EntityManager,
    consumer: string,
    keys: Array<{ source: string; key: string }>,
  ): Promise<Map<string, OrderingCursor>> {
    const unique = [...new Map(keys.map((k) => [cursorId(k.source, k.key), k])).values()].sort((a, b) =>
      compare(cursorId(a.source, a.key), cursorId(b.source, b.key)),
    );
    const values = unique.map(() => '(?, ?, ?)').join(', ');
    const params = unique.flatMap((k) => [consumer, k.source, k.key]);
    let rows: Array<{
      source: string;
      ordering_key: string;
      last_seq: string;
      blocked_seq: string | null;
      max_held_seq: string;
    }>;
    if (this.d.name === 'postgres') {
      rows = await this.db.query(
        `INSERT INTO txmsg_ordering_cursor (consumer, source, ordering_key) VALUES ${values}
         ON CONFLICT (consumer, source, ordering_key) DO UPDATE SET last_seq = txmsg_ordering_cursor.last_seq
         RETURNING source, ordering_key, last_seq, blocked_seq, max_held_seq`,
        params,
        em,
      );
    } else {
      // The no-op update takes the row's exclusive lock at once: a shared lock taken first and
      // upgraded later is how two transactions deadlock on the same row.
      await this.db.query(
        `INSERT INTO txmsg_ordering_cursor (consumer, source, ordering_key) VALUES ${values}
         ON DUPLICATE KEY UPDATE last_seq = last_seq`,
        params,
        em,
      );
      rows = await this.db.query(
        `SELECT source, ordering_key, last_seq, blocked_seq, max_held_seq FROM txmsg_ordering_cursor
          WHERE consumer = ? AND (source, ordering_key) IN (${unique.map(() => '(?, ?)').join(', ')})
          FOR UPDATE`,
        [consumer, ...unique.flatMap((k) => [k.source, k.key])],
        em,
      );
    }
    return new Map(
      rows.map((row) => [
        cursorId(row.source, row.ordering_key),
        {
          source: row.source,
          key: row.ordering_key,
          lastSeq: Number(row.last_seq),
          blockedSeq: row.blocked_seq === null ? null : Number(row.blocked_seq),
          maxHeldSeq: Number(row.max_held_seq),
        },
      ]),
    );
  }

  /** Writes locked cursors back in one statement, in the transaction that locked them. */
  async saveCursors(em: EntityManager, consumer: string, cursors: OrderingCursor[]): Promise<void> {
    if (cursors.length === 0) return;
    const postgres = this.d.name === 'postgres';
    const set = postgres
      ? `ON CONFLICT (consumer, source, ordering_key) DO UPDATE SET last_seq = EXCLUDED.last_seq,
           blocked_seq = EXCLUDED.blocked_seq, max_held_seq = EXCLUDED.max_held_seq,
           blocked_at = CASE WHEN EXCLUDED.blocked_seq IS NULL THEN NULL
                             ELSE COALESCE(txmsg_ordering_cursor.blocked_at, ${this.d.now}) END`
      : `ON DUPLICATE KEY UPDATE
           blocked_at = IF(VALUES(blocked_seq) IS NULL, NULL, COALESCE(blocked_at, ${this.d.now})),
           last_seq = VALUES(last_seq), blocked_seq = VALUES(blocked_seq), max_held_seq = VALUES(max_held_seq)`;
    await this.db.query(
      `INSERT INTO txmsg_ordering_cursor (consumer, source, ordering_key, last_seq, blocked_seq, max_held_seq)
       VALUES ${cursors.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
       ${set}`,
      cursors.flatMap((c) => [consumer, c.source, c.key, c.lastSeq, c.blockedSeq, c.maxHeldSeq]),
      em,
    );
  }

  /**
   * Marks `seq` as the failing next message of the key (autocommit, after its transaction rolled
   * back): the messages after it then wait for it however long it takes. A no-op once the cursor
   * has moved past it.
   */
  async block(consumer: string, source: string, key: string, seq: number): Promise<void> {
    await this.ensureCursor(this.db.dataSource.manager, consumer, source, key);
    await this.db.query(
      `UPDATE txmsg_ordering_cursor SET blocked_seq = ?, blocked_at = COALESCE(blocked_at, ${this.d.now})
        WHERE consumer = ? AND source = ? AND ordering_key = ? AND last_seq = ?`,
      [seq, consumer, source, key, seq - 1],
    );
  }

  /**
   * Moves the cursor on to `seq` (what comes before it given up: a parked message skipped, a gap
   * no message will fill) and makes the message after it due; returns whether the cursor moved.
   */
  async skipTo(consumer: string, source: string, key: string, seq: number): Promise<boolean> {
    return this.db.dataSource.transaction(async (em) => {
      const moved = affectedRows(
        await this.db.query(
          `UPDATE txmsg_ordering_cursor SET last_seq = ?, blocked_seq = NULL, blocked_at = NULL
            WHERE consumer = ? AND source = ? AND ordering_key = ? AND last_seq < ?`,
          [seq, consumer, source, key, seq],
          em,
        ),
      );
      if (moved > 0) await this.releaseNext(em, consumer, source, key, seq, null);
      return moved > 0;
    });
  }

  /**
   * Keeps `message` until its predecessor is applied: due `dueInMs` from now, or waiting for it
   * when null; a message already held keeps its row and its `held_at`. In the transaction of `em`.
   */
  async hold(em: EntityManager, message: HeldMessage, dueInMs: number | null): Promise<void> {
    const due = dueInMs === null ? 'NULL' : this.d.nowPlusMicros;
    const dueParams = dueInMs === null ? [] : [dueInMs * 1000];
    const onExisting =
      this.d.name === 'postgres'
        ? `ON CONFLICT (consumer, source, ordering_key, seq) DO UPDATE
             SET next_attempt_at = EXCLUDED.next_attempt_at, version = txmsg_ordering_held.version + 1`
        : 'ON DUPLICATE KEY UPDATE next_attempt_at = VALUES(next_attempt_at), version = version + 1';
    await this.db.query(
      `INSERT INTO txmsg_ordering_held
         (consumer, source, ordering_key, seq, message_id, queue, properties, body, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ${due})
       ${onExisting}`,
      [
        ...[message.consumer, message.source, message.key, message.seq, message.messageId, message.queue],
        message.properties,
        this.d.name === 'postgres' ? message.body : message.body.toString('base64'),
        ...dueParams,
      ],
      em,
    );
  }

  /**
   * How long (ms) the message at `seq` has waited for its current predecessor — since it was first
   * held, or since its key last moved on if that is later (see {@link releaseNext}) — locking its
   * row; null when it is not held.
   */
  async heldForMs(
    em: EntityManager,
    consumer: string,
    source: string,
    key: string,
    seq: number,
  ): Promise<number | null> {
    const [row] = await this.db.query<Array<{ held_ms: string | number }>>(
      `SELECT ${this.d.msSince('held_at')} AS held_ms FROM txmsg_ordering_held
        WHERE consumer = ? AND source = ? AND ordering_key = ? AND seq = ? FOR UPDATE`,
      [consumer, source, key, seq],
      em,
    );
    return row ? Number(row.held_ms) : null;
  }

  /**
   * The key moved on to `seq` (applied, or skipped to): makes the held message at `seq + 1` due
   * now, and returns whether there was one. The messages held beyond it now wait for a new
   * predecessor, `seq + 1`, so their gap clock starts again: `held_at` is now, and one with no
   * due time (it waited behind a failing message, which is no longer in the way) is due
   * `gapMs` from now — or all of them now when `gapMs` is null, for their consumer to decide.
   * Without the restart a message held behind a long chain of late predecessors could count that
   * whole wait against the gap timeout and overtake the next one. `version` stays: a row the sender
   * is sending now is still marked sent (a bumped version would have it sent again once its lease
   * ran out). In the transaction of `em`.
   */
  async releaseNext(
    em: Queryable,
    consumer: string,
    source: string,
    key: string,
    seq: number,
    gapMs: number | null,
  ): Promise<boolean> {
    const released = await this.db.query(
      `UPDATE txmsg_ordering_held SET next_attempt_at = ${this.d.now}, version = version + 1
        WHERE consumer = ? AND source = ? AND ordering_key = ? AND seq = ?`,
      [consumer, source, key, seq + 1],
      em,
    );
    const due =
      gapMs === null
        ? this.d.now
        : `CASE WHEN next_attempt_at IS NULL THEN ${this.d.nowPlusMicros} ELSE next_attempt_at END`;
    await this.db.query(
      `UPDATE txmsg_ordering_held SET held_at = ${this.d.now}, next_attempt_at = ${due}
        WHERE consumer = ? AND source = ? AND ordering_key = ? AND seq > ?`,
      [...(gapMs === null ? [] : [gapMs * 1000]), consumer, source, key, seq + 1],
      em,
    );
    return affectedRows(released) > 0;
  }

  /** Forgets held copies of messages up to `seq` of the key: applied now. */
  async forgetHeld(em: EntityManager, consumer: string, source: string, key: string, seq: number): Promise<void> {
    await this.db.query(
      'DELETE FROM txmsg_ordering_held WHERE consumer = ? AND source = ? AND ordering_key = ? AND seq <= ?',
      [consumer, source, key, seq],
      em,
    );
  }

  /** Leases up to `limit` due held messages for `leaseMs`, earliest due first. */
  async leaseDue(limit: number, leaseMs: number): Promise<ReleasedMessage[]> {
    const select = `SELECT id, message_id, queue, properties, body, version FROM txmsg_ordering_held
                     WHERE next_attempt_at <= ${this.d.now}
                     ORDER BY next_attempt_at
                     LIMIT ?
                     FOR UPDATE SKIP LOCKED`;
    const rows = await this.db.lease<ReleasedMessage>(
      'txmsg_ordering_held',
      select,
      [limit],
      leaseMs,
      'version = version + 1',
    );
    return rows.map((row) => ({
      ...row,
      id: String(row.id),
      version: Number(row.version) + 1,
      body: this.d.name === 'postgres' ? (row.body as Buffer) : Buffer.from(String(row.body), 'base64'),
    }));
  }

  /** A sent message waits for its consumer's answer (applied: row gone; held again: due again) — unless the consumer already answered. */
  async markSent(rows: ReleasedMessage[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `UPDATE txmsg_ordering_held SET next_attempt_at = NULL
        WHERE (id, version) IN (${rows.map(() => '(?, ?)').join(', ')})`,
      rows.flatMap((row) => [row.id, row.version]),
    );
  }

  /**
   * Keys an ordered consumer (`consumer`, or any) waits on: blocked on a failing message, or
   * holding messages back; longest waiting first.
   */
  async blockedKeys(limit: number, consumer?: string): Promise<BlockedKey[]> {
    const rows = await this.db.query<
      Array<{
        consumer: string;
        source: string;
        ordering_key: string;
        last_seq: string;
        blocked_seq: string | null;
        blocked_at: Date | null;
        held: string;
        oldest_held_at: Date | null;
      }>
    >(
      `SELECT c.consumer, c.source, c.ordering_key, c.last_seq, c.blocked_seq, c.blocked_at,
              COUNT(h.id) AS held, MIN(h.held_at) AS oldest_held_at
         FROM txmsg_ordering_cursor c
         LEFT JOIN txmsg_ordering_held h
           ON h.consumer = c.consumer AND h.source = c.source AND h.ordering_key = c.ordering_key
        WHERE (c.blocked_seq IS NOT NULL OR h.id IS NOT NULL)${consumer === undefined ? '' : ' AND c.consumer = ?'}
        GROUP BY c.consumer, c.source, c.ordering_key, c.last_seq, c.blocked_seq, c.blocked_at
        ORDER BY MIN(COALESCE(c.blocked_at, h.held_at))
        LIMIT ?`,
      consumer === undefined ? [limit] : [consumer, limit],
    );
    return rows.map((row) => ({
      consumer: row.consumer,
      source: row.source,
      key: row.ordering_key,
      lastSeq: Number(row.last_seq),
      blockedSeq: row.blocked_seq === null ? null : Number(row.blocked_seq),
      blockedAt: row.blocked_at,
      held: Number(row.held),
      oldestHeldAt: row.oldest_held_at,
    }));
  }

  /** The cursor of `consumer` on a key, if it has one. */
  async cursor(consumer: string, source: string, key: string): Promise<OrderingCursor | undefined> {
    const [row] = await this.db.query<Array<{ last_seq: string; blocked_seq: string | null; max_held_seq: string }>>(
      'SELECT last_seq, blocked_seq, max_held_seq FROM txmsg_ordering_cursor WHERE consumer = ? AND source = ? AND ordering_key = ?',
      [consumer, source, key],
    );
    if (!row) return undefined;
    return {
      source,
      key,
      lastSeq: Number(row.last_seq),
      blockedSeq: row.blocked_seq === null ? null : Number(row.blocked_seq),
      maxHeldSeq: Number(row.max_held_seq),
    };
  }

  /** How many messages of a key are held back. */
  async heldCount(consumer: string, source: string, key: string): Promise<number> {
    const [row] = await this.db.query<Array<{ n: string | number }>>(
      'SELECT COUNT(*) AS n FROM txmsg_ordering_held WHERE consumer = ? AND source = ? AND ordering_key = ?',
      [consumer, source, key],
    );
    return Number(row.n);
  }

  /** The held message with the lowest sequence number of a key, if any. */
  async firstHeldSeq(consumer: string, source: string, key: string): Promise<number | undefined> {
    const [row] = await this.db.query<Array<{ seq: string | null }>>(
      'SELECT MIN(seq) AS seq FROM txmsg_ordering_held WHERE consumer = ? AND source = ? AND ordering_key = ?',
      [consumer, source, key],
    );
    return row?.seq == null ? undefined : Number(row.seq);
  }

  /** Statements of the ordering gauges, by consumer: keys blocked behind a failing message, messages held back. */
  gaugeStatements(): { ordering_blocked: string; ordering_held: string } {
    return {
      ordering_blocked:
        'SELECT consumer, COUNT(*) AS n FROM txmsg_ordering_cursor WHERE blocked_seq IS NOT NULL GROUP BY consumer',
      ordering_held: 'SELECT consumer, COUNT(*) AS n FROM txmsg_ordering_held GROUP BY consumer',
    };
  }

  private async ensureCursor(on: Queryable, consumer: string, source: string, key: string): Promise<void> {
    const onExisting =
      this.d.name === 'postgres' ? 'ON CONFLICT DO NOTHING' : 'ON DUPLICATE KEY UPDATE last_seq = last_seq';
    await this.db.query(
      `INSERT INTO txmsg_ordering_cursor (consumer, source, ordering_key) VALUES (?, ?, ?) ${onExisting}`,
      [consumer, source, key],
      on,
    );
  }
}

/** One string per (source, key): the map key of a cursor. */
export function cursorId(source: string, key: string): string {
  return `${source}\u0000${key}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import { Injectable } from '@nestjs/common';
import { affectedRows } from '../support/affected-rows';
import { FailureAttempts } from './failure-attempts';
import { failureConditions } from './failure-filter';
import type {
  DueRetry,
  FailureAttemptRecord,
  FailureFilter,
  FailureGroup,
  FailureRecord,
  FailureStatus,
  FailureWrite,
  RecordedFailure,
} from './failure-rows';
import { type Queryable, StoreDatabase } from './store-database';

/** The largest id PostgreSQL's bigint holds; MySQL's unsigned one holds every id the admin API accepts. */
const PG_BIGINT_MAX = 2n ** 63n - 1n;

/**
 * `txmsg_inbox_failure`: the retry ladder and the parking lot of consumed messages, one row per
 * consumer, message id and body hash, with the message as received so it can be sent again.
 *
 * WAITING (due at its next rung) → DISPATCHED (sent back to its queue) → gone (handled) or
 * WAITING again (failed again, or never came back); WAITING or PARKED when recorded, PARKED
 * after the last rung. A parked row stays until an operator requeues (→ WAITING) or purges it.
 * Updates after a publish are conditional on the state the row was leased in, so a retry that
 * came back meanwhile is never overwritten.
 *
 * Every failure recorded also appends to the row's history in `txmsg_inbox_failure_attempt`
 * (see {@link FailureAttempts}), which goes with the row whatever deletes it.
 *
 * Bodies are handed in and out as Buffers: MySQL/MariaDB keep them as base64 text, PostgreSQL as
 * bytea.
 */
@Injectable()
export class FailureStore {
  private readonly history: FailureAttempts;

  constructor(private readonly db: StoreDatabase) {
    this.history = new FailureAttempts(db);
  }

  private get d() {
    return this.db.dialect;
  }

  /** A `?` parameter compared with the unsigned bigint ids as a number, never as text. */
  private get idParam(): string {
    return this.d.name === 'postgres' ? 'CAST(? AS bigint)' : 'CAST(? AS UNSIGNED)';
  }

  /**
   * Records a failure of `messageId` in one short READ COMMITTED transaction: locks the rows kept
   * for it (every body's), lets `decide` choose the row to write from them, and writes it; an
   * existing row of the same body keeps its body and takes the new attempts, status and due time.
   * The attempt is appended to the row's history in the same transaction. Returns what `decide`
   * returned with the row. When `decide` also returns `then`, it runs in the same transaction
   * after the write, with the id of the row written (so an announcement of the failure commits
   * with it, or not at all).
   */
  record<T>(
    consumer: string,
    messageId: string,
    decide: (recorded: RecordedFailure[]) => {
      row: FailureWrite;
      result: T;
      then?: (em: Queryable, failureId: string) => Promise<void>;
    },
  ): Promise<T> {
    return this.db.dataSource.transaction('READ COMMITTED', async (em) => {
      const rows = await this.db.query<
        Array<{ payload_hash: string; attempts: number; status: FailureStatus; reason: string | null }>
      >(
        `SELECT payload_hash, attempts, status, reason FROM txmsg_inbox_failure WHERE consumer = ? AND message_id = ? FOR UPDATE`,
        [consumer, messageId],
        em,
      );
      const recorded = rows.map((r) => ({
        payloadHash: r.payload_hash,
        attempts: Number(r.attempts),
        status: r.status,
        reason: r.reason,
      }));
      const { row, result, then } = decide(recorded);
      await this.upsert(em, row);
      const [written] = await this.db.query<Array<{ id: string }>>(
        `SELECT id FROM txmsg_inbox_failure WHERE consumer = ? AND message_id = ? AND payload_hash = ?`,
        [consumer, messageId, row.payloadHash],
        em,
      );
      await this.history.append(em, String(written.id), row);
      if (then) await then(em, String(written.id));
      return result;
    });
  }

  /** Forgets the ladder entry (and its attempts) of a message body that has now been handled (a parked one stays). */
  async resolve(consumer: string, messageId: string, payloadHash: string): Promise<void> {
    await this.db.query(
      `DELETE FROM txmsg_inbox_failure WHERE consumer = ? AND message_id = ? AND payload_hash = ? AND status <> 'PARKED'`,
      [consumer, messageId, payloadHash],
    );
  }

  /** Leases up to `limit` due WAITING rows for `leaseMs`, earliest due first (see {@link StoreDatabase.lease}). */
  async leaseDue(limit: number, leaseMs: number): Promise<DueRetry[]> {
    const select = `SELECT id, message_id, queue, properties, body, attempts
                      FROM txmsg_inbox_failure
                     WHERE status = 'WAITING' AND next_attempt_at <= ${this.d.now}
                     ORDER BY next_attempt_at
                     LIMIT ?
                     FOR UPDATE SKIP LOCKED`;
    const rows = await this.db.lease<DueRetry>('txmsg_inbox_failure', select, [limit], leaseMs);
    return rows.map((row) => ({
      ...row,
      id: String(row.id),
      attempts: Number(row.attempts),
      body: this.bodyOf(row.body),
    }));
  }

  /** WAITING → DISPATCHED in one UPDATE, each row only if still WAITING with the attempts it was leased with. */
  async markDispatched(sent: Array<Pick<DueRetry, 'id' | 'attempts'>>): Promise<void> {
    if (sent.length === 0) return;
    await this.db.query(
      `UPDATE txmsg_inbox_failure SET status = 'DISPATCHED', updated_at = ${this.d.now}
        WHERE status = 'WAITING' AND (id, attempts) IN (${sent.map(() => `(${this.idParam}, ?)`).join(', ')})`,
      sent.flatMap((row) => [row.id, row.attempts]),
    );
  }

  /** Makes a leased retry that could not be sent due again `delayMs` from now, if it is still as it was leased. */
  async postpone(row: Pick<DueRetry, 'id' | 'attempts'>, error: string, delayMs: number): Promise<void> {
    await this.db.query(
      `UPDATE txmsg_inbox_failure SET next_attempt_at = ${this.d.nowPlusMicros}, last_error = ?
        WHERE id = ${this.idParam} AND status = 'WAITING' AND attempts = ?`,
      [delayMs * 1000, error.slice(0, 2000), row.id, row.attempts],
    );
  }

  /**
   * DISPATCHED → WAITING, due now, for up to `batchSize` rows dispatched more than `afterMs` ago
   * (the retry never came back), in one autocommit statement; returns how many.
   */
  async redispatchStale(afterMs: number, batchSize: number): Promise<number> {
    const set = `status = 'WAITING', next_attempt_at = ${this.d.now}, updated_at = ${this.d.now}`;
    const stale = `status = 'DISPATCHED' AND updated_at < ${this.d.nowPlusMicros}`;
    const statement =
      this.d.name === 'postgres'
        ? `UPDATE txmsg_inbox_failure SET ${set}
            WHERE status = 'DISPATCHED' AND id IN (SELECT id FROM txmsg_inbox_failure WHERE ${stale} LIMIT ?)`
        : `UPDATE txmsg_inbox_failure SET ${set} WHERE ${stale} LIMIT ?`;
    return affectedRows(await this.db.query(statement, [-afterMs * 1000, batchSize]));
  }

  /** Up to `limit` rows of `filter`, newest first: only below id `beforeId` when given. */
  async list(options: FailureFilter & { beforeId?: string | null; limit: number }): Promise<FailureRecord[]> {
    const { conditions, params } = failureConditions(this.d, options);
    if (options.beforeId != null && this.fits(options.beforeId)) {
      conditions.push(`id < ${this.idParam}`);
      params.push(options.beforeId);
    }
    const rows = await this.db.query<Array<Record<string, unknown>>>(
      `SELECT * FROM txmsg_inbox_failure ${whereOf(conditions)} ORDER BY id DESC LIMIT ?`,
      [...params, options.limit],
    );
    return rows.map((row) => this.recordOf(row));
  }

  /** The row of `id`, or undefined when there is none. */
  async get(id: string): Promise<FailureRecord | undefined> {
    if (!this.fits(id)) return undefined;
    const [row] = await this.db.query<Array<Record<string, unknown>>>(
      `SELECT * FROM txmsg_inbox_failure WHERE id = ${this.idParam}`,
      [id],
    );
    return row && this.recordOf(row);
  }

  /** The attempts kept of the row of `id`, oldest first (the last 100). */
  attempts(id: string): Promise<FailureAttemptRecord[]> {
    return this.fits(id) ? this.history.of(id) : Promise.resolve([]);
  }

  /**
   * Deletes the PARKED row of `id` (and its attempts) in one transaction with `alongside`, which is
   * handed the row, locked, first; should it throw, nothing changes. Returns the row deleted, or
   * undefined when no parked row has that id.
   */
  async takeParked(
    id: string,
    alongside: (em: Queryable, row: FailureRecord) => Promise<void>,
  ): Promise<FailureRecord | undefined> {
    if (!this.fits(id)) return undefined;
    return this.db.dataSource.transaction('READ COMMITTED', async (em) => {
      const [row] = await this.db.query<Array<Record<string, unknown>>>(
        `SELECT * FROM txmsg_inbox_failure WHERE id = ${this.idParam} AND status = 'PARKED' FOR UPDATE`,
        [id],
        em,
      );
      if (!row) return undefined;
      const record = this.recordOf(row);
      await alongside(em, record);
      await this.db.query(`DELETE FROM txmsg_inbox_failure WHERE id = ${this.idParam}`, [id], em);
      return record;
    });
  }

  /** How many rows `filter` matches. */
  async count(filter: FailureFilter): Promise<number> {
    const { conditions, params } = failureConditions(this.d, filter);
    const [row] = await this.db.query<Array<{ n: number | string }>>(
      `SELECT COUNT(*) AS n FROM txmsg_inbox_failure ${whereOf(conditions)}`,
      params,
    );
    return Number(row.n);
  }

  /**
   * Up to `limit` groups of the rows in `status` (of `consumer`), largest first: rows of one
   * consumer, fingerprint, reason and error class, with the last error of each group's newest row.
   * With both given, the index `(status, consumer, fingerprint, id)` serves it; with a `reason`,
   * `(status, reason, consumer, id)`.
   */
  async groups(options: {
    status?: FailureStatus;
    consumer?: string;
    reason?: string;
    limit: number;
  }): Promise<FailureGroup[]> {
    const { status, consumer, reason } = options;
    const { conditions, params } = failureConditions(this.d, { status, consumer, reason });
    const groups = await this.db.query<Array<Record<string, unknown>>>(
      `SELECT consumer, fingerprint, reason, error_class, COUNT(*) AS n, MIN(created_at) AS oldest_at,
              MAX(updated_at) AS newest_at, MAX(id) AS sample_id
         FROM txmsg_inbox_failure ${whereOf(conditions)}
        GROUP BY consumer, fingerprint, reason, error_class
        ORDER BY n DESC, sample_id DESC
        LIMIT ?`,
      [...params, options.limit],
    );
    if (groups.length === 0) return [];
    const samples = await this.db.query<Array<{ id: string; last_error: string | null }>>(
      `SELECT id, last_error FROM txmsg_inbox_failure WHERE ${this.d.anyOf('id')}`,
      [groups.map((group) => String(group.sample_id))],
    );
    const sampleOf = new Map(samples.map((sample) => [String(sample.id), sample.last_error]));
    return groups.map((group) => ({
      consumer: String(group.consumer),
      reason: (group.reason as string | null) ?? null,
      errorClass: (group.error_class as string | null) ?? null,
      fingerprint: (group.fingerprint as string | null) ?? null,
      // A sample row deleted between the two statements leaves its group without one.
      sampleError: sampleOf.get(String(group.sample_id)) ?? null,
      count: Number(group.n),
      oldestAt: new Date(group.oldest_at as Date),
      newestAt: new Date(group.newest_at as Date),
    }));
  }

  /**
   * Up to 1000 rows, newest first, of each consumer sought whose kept properties may carry the
   * headers sought for it: a textual match on their JSON (`"name":value` for each, in any order;
   * a number also matches the longer numbers it starts), so the caller reads the headers to tell.
   * The properties are not indexed: one statement reads the rows of the consumers, however many
   * are sought.
   */
  async withHeaders(
    sought: Array<{ consumer: string; headers: Record<string, string | number> }>,
  ): Promise<Array<{ id: string; consumer: string; messageId: string; status: FailureStatus; properties: string }>> {
    if (sought.length === 0) return [];
    const conditions = sought.map(
      (s) => `(consumer = ?${' AND properties LIKE ?'.repeat(Object.keys(s.headers).length)})`,
    );
    const params = sought.flatMap((s) => [
      s.consumer,
      ...Object.entries(s.headers).map(
        ([name, value]) => `%${likeEscaped(`${JSON.stringify(name)}:${JSON.stringify(value)}`)}%`,
      ),
    ]);
    const rows = await this.db.query<
      Array<{ id: string; consumer: string; message_id: string; status: FailureStatus; properties: string }>
    >(
      `SELECT id, consumer, message_id, status, properties FROM txmsg_inbox_failure
        WHERE ${conditions.join(' OR ')}
        ORDER BY id DESC LIMIT 1000`,
      params,
    );
    return rows.map((row) => ({
      id: String(row.id),
      consumer: row.consumer,
      messageId: row.message_id,
      status: row.status,
      properties: String(row.properties),
    }));
  }

  /** Ids of up to `limit` PARKED rows of `filter` above id `afterId`, in id order. */
  async parkedIdsAfter(filter: Omit<FailureFilter, 'status'>, afterId: string, limit: number): Promise<string[]> {
    const { conditions, params } = failureConditions(this.d, { ...filter, status: 'PARKED' });
    const rows = await this.db.query<Array<{ id: string }>>(
      `SELECT id FROM txmsg_inbox_failure WHERE ${[...conditions, `id > ${this.idParam}`].join(' AND ')} ORDER BY id LIMIT ?`,
      [...params, afterId, limit],
    );
    return rows.map((row) => String(row.id));
  }

  /**
   * PARKED → WAITING, due now with the ladder reset, for the rows of `ids` still parked; returns
   * how many. `OVERSIZED` rows stay: only the start of their body is kept here.
   */
  async requeueParked(ids: string[]): Promise<number> {
    ids = ids.filter((id) => this.fits(id));
    if (ids.length === 0) return 0;
    return affectedRows(
      await this.db.query(
        `UPDATE txmsg_inbox_failure SET status = 'WAITING', attempts = 0, reason = NULL, next_attempt_at = ${this.d.now},
                updated_at = ${this.d.now}
          WHERE status = 'PARKED' AND reason <> 'OVERSIZED' AND ${this.d.anyOf('id')}`,
        [ids],
      ),
    );
  }

  /** Deletes the rows of `ids` that are PARKED, their attempts with them; returns how many. */
  async purgeParked(ids: string[]): Promise<number> {
    ids = ids.filter((id) => this.fits(id));
    if (ids.length === 0) return 0;
    return affectedRows(
      await this.db.query(`DELETE FROM txmsg_inbox_failure WHERE status = 'PARKED' AND ${this.d.anyOf('id')}`, [ids]),
    );
  }

  /**
   * The statements of this table's scrape-time gauges, by the name their failures are reported
   * under: rows by status; PARKED rows by consumer and reason (a row without one as UNKNOWN); and
   * by consumer, the seconds since the first failure of the oldest message on the ladder, by the
   * database's clock (a consumer with nothing on the ladder has no row).
   */
  gaugeStatements(): { inbox_failures: string; inbox_parked: string; retry_oldest: string } {
    return {
      inbox_failures: 'SELECT status, COUNT(*) AS n FROM txmsg_inbox_failure GROUP BY status',
      inbox_parked:
        "SELECT consumer, COALESCE(reason, 'UNKNOWN') AS reason, COUNT(*) AS n FROM txmsg_inbox_failure WHERE status = 'PARKED' GROUP BY consumer, reason",
      retry_oldest: `SELECT consumer, ${this.d.msSince('MIN(created_at)')} / 1000 AS n FROM txmsg_inbox_failure
        WHERE status IN ('WAITING', 'DISPATCHED') GROUP BY consumer`,
    };
  }

  /** Whether the database answers at all: tells a row it refused from a database that is down. */
  databaseAnswers(): Promise<boolean> {
    return this.db.query('SELECT 1').then(
      () => true,
      () => false,
    );
  }

  /**
   * Inserts the failure row, or updates the existing row of the same consumer, message id and
   * body hash (its body, the same bytes, stays), in the transaction of `em`.
   */
  private async upsert(em: Queryable, row: FailureWrite): Promise<void> {
    const postgres = this.d.name === 'postgres';
    const onExisting = postgres
      ? `ON CONFLICT (consumer, message_id, payload_hash) DO UPDATE SET attempts = EXCLUDED.attempts,
           status = EXCLUDED.status, reason = EXCLUDED.reason, next_attempt_at = EXCLUDED.next_attempt_at,
           last_error = EXCLUDED.last_error, last_stack = EXCLUDED.last_stack, error_class = EXCLUDED.error_class, fingerprint = EXCLUDED.fingerprint,
           dedup_key = COALESCE(EXCLUDED.dedup_key, txmsg_inbox_failure.dedup_key), updated_at = ${this.d.now}`
      : `ON DUPLICATE KEY UPDATE attempts = VALUES(attempts), status = VALUES(status), reason = VALUES(reason),
           next_attempt_at = VALUES(next_attempt_at), last_error = VALUES(last_error), last_stack = VALUES(last_stack), error_class = VALUES(error_class),
           fingerprint = VALUES(fingerprint), dedup_key = COALESCE(VALUES(dedup_key), dedup_key), updated_at = ${this.d.now}`;
    await this.db.query(
      `INSERT INTO txmsg_inbox_failure
         (consumer, message_id, payload_hash, queue, exchange, routing_key, properties, body, body_size, attempts, status,
          reason, next_attempt_at, last_error, last_stack, error_class, fingerprint, dedup_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${this.d.nowPlusMicros}, ?, ?, ?, ?, ?)
       ${onExisting}`,
      [
        ...[row.consumer, row.messageId, row.payloadHash, row.queue, row.exchange, row.routingKey, row.properties],
        postgres ? row.body : row.body.toString('base64'),
        ...[row.bodySize, row.attempts, row.status, row.reason, row.dueInMs * 1000, row.lastError.slice(0, 2000)],
        ...[row.lastStack, row.errorClass, row.fingerprint, row.dedupKey],
      ],
      em,
    );
  }

  /** Whether `id` can name a row at all: beyond PostgreSQL's bigint none can (every id is then below it). */
  private fits(id: string): boolean {
    return this.d.name !== 'postgres' || BigInt(id) <= PG_BIGINT_MAX;
  }

  /** A row as selected, with its id as text and its body as bytes. */
  private recordOf(row: Record<string, unknown>): FailureRecord {
    return { ...row, id: String(row.id), body: this.bodyOf(row.body) } as FailureRecord;
  }

  /** A stored body as the bytes it holds: bytea comes back as a Buffer, MySQL's base64 text is decoded. */
  private bodyOf(stored: unknown): Buffer {
    if (this.d.name === 'postgres') return stored as Buffer;
    return Buffer.from(String(stored ?? ''), 'base64');
  }
}

function whereOf(conditions: string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** `text` matched literally by LIKE: its wildcards and the escape character (backslash, on both engines) escaped. */
function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

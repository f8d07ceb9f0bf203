import { Injectable } from '@nestjs/common';
import type { AttemptRow, NotificationStatus } from './notification-rows';
import { NotificationStore } from './notification-store';
import type { SqlDialect } from './sql-dialect';
import { StoreDatabase } from './store-database';

/** Rows a bulk resend changes per statement, so none holds many row locks. */
const BULK_BATCH = 500;

/** Which notifications an operator looks at or re-sends; none given: all of them. */
export interface NotificationFilter {
  status?: NotificationStatus;
  /** The start of the target URL (`http://host:port/path…`), as receivers are matched. */
  receiver?: string;
  subject?: string;
}

/** A notification as the console lists it; `target_url` is as stored, to be redacted before it is shown. */
export interface ListedNotification {
  id: string;
  notification_id: string;
  subject: string | null;
  type: string;
  target_url: string;
  status: NotificationStatus;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: Date;
  created_at: Date;
  finished_at: Date | null;
  last_attempt_at: Date | null;
}

/** One notification with its body (the JSON text sent) and every attempt, oldest first. */
export interface NotificationDetail extends ListedNotification {
  body: string;
  attemptLog: AttemptRow[];
}

const COLUMNS = `id, notification_id, subject, type, target_url, status, attempts, last_status, last_error,
  next_attempt_at, created_at, finished_at,
  (SELECT MAX(a.attempted_at) FROM txmsg_notification_attempt a WHERE a.notification_id = n.notification_id) AS last_attempt_at`;

/**
 * The notifications as the operator console reads them: pages newest first (keyset on the id,
 * never OFFSET), counts, one with its attempts; and the bulk resend of a filter, walking the ids
 * 500 at a time through {@link NotificationStore.resendFinished}, the one statement that moves
 * them. The existing indexes serve it: the id's for the pages and the walk, `(status,
 * next_attempt_at)` for a status and the counts, `(subject)` for a subject; a receiver prefix
 * reads the rows the others leave, newest first, until a page is full. Each statement is its own
 * transaction.
 */
@Injectable()
export class NotificationQueries {
  constructor(
    private readonly db: StoreDatabase,
    private readonly store: NotificationStore,
  ) {}

  private get d(): SqlDialect {
    return this.db.dialect;
  }

  /** Up to `limit` notifications of `filter` below id `beforeId` (all, when null), newest first. */
  async page(filter: NotificationFilter, beforeId: string | null, limit: number): Promise<ListedNotification[]> {
    const { conditions, params } = this.conditionsOf(filter);
    if (beforeId !== null) {
      conditions.push(`id < ${this.idParam}`);
      params.push(beforeId);
    }
    const rows = await this.db.query<ListedNotification[]>(
      `SELECT ${COLUMNS} FROM txmsg_notification n ${whereOf(conditions)} ORDER BY id DESC LIMIT ?`,
      [...params, limit],
    );
    return rows.map(listed);
  }

  /** Every notification by status. */
  async countsByStatus(): Promise<Partial<Record<NotificationStatus, number>>> {
    const rows = await this.db.query<{ status: NotificationStatus; n: number | string }[]>(
      'SELECT status, COUNT(*) AS n FROM txmsg_notification GROUP BY status',
    );
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
  }

  /** How many DELIVERED or FAILED notifications `filter` matches: what {@link resend} would take now. */
  async countFinished(filter: NotificationFilter): Promise<number> {
    const { conditions, params } = this.conditionsOf(filter);
    const [row] = await this.db.query<{ n: number | string }[]>(
      `SELECT COUNT(*) AS n FROM txmsg_notification ${whereOf([...conditions, FINISHED])}`,
      params,
    );
    return Number(row.n);
  }

  /** The notification of row id `id` with its body and attempts; undefined when there is none. */
  async get(id: string): Promise<NotificationDetail | undefined> {
    const [row] = await this.db.query<(ListedNotification & { body: string })[]>(
      `SELECT ${COLUMNS}, ${this.d.jsonText('body')} AS body FROM txmsg_notification n WHERE id = ${this.idParam}`,
      [id],
    );
    if (!row) return undefined;
    const attemptLog = await this.db.query<AttemptRow[]>(
      `SELECT notification_id, attempt, attempted_at, status_code, error, duration_ms
         FROM txmsg_notification_attempt WHERE notification_id = ? ORDER BY id`,
      [row.notification_id],
    );
    return { ...listed(row), body: row.body, attemptLog };
  }

  /**
   * Re-sends the DELIVERED or FAILED notifications of row id `target`, or of every one `target`
   * matches, 500 at a time in id order, each batch its own statement; returns how many. The walk
   * goes forward from the last id seen, so a row finished again meanwhile is not taken twice.
   * The caller wakes the sender.
   */
  async resend(target: string | NotificationFilter): Promise<number> {
    if (typeof target === 'string') return this.store.resendFinished([target]);
    const { conditions, params } = this.conditionsOf(target);
    let total = 0;
    let lastId = '0';
    for (;;) {
      const rows = await this.db.query<{ id: string | number }[]>(
        `SELECT id FROM txmsg_notification ${whereOf([...conditions, FINISHED, `id > ${this.idParam}`])} ORDER BY id LIMIT ?`,
        [...params, lastId, BULK_BATCH],
      );
      const ids = rows.map((row) => String(row.id));
      total += await this.store.resendFinished(ids);
      if (ids.length < BULK_BATCH) return total;
      lastId = ids[ids.length - 1];
    }
  }

  /** A `?` parameter compared with the bigint ids as a number, never as text. */
  private get idParam(): string {
    return this.d.name === 'postgres' ? 'CAST(? AS bigint)' : 'CAST(? AS UNSIGNED)';
  }

  private conditionsOf(filter: NotificationFilter): { conditions: string[]; params: unknown[] } {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (filter.status !== undefined) {
      conditions.push('status = ?');
      params.push(filter.status);
    }
    if (filter.subject !== undefined) {
      conditions.push('subject = ?');
      params.push(filter.subject);
    }
    if (filter.receiver !== undefined) {
      conditions.push('target_url LIKE ?');
      params.push(`${filter.receiver.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    return { conditions, params };
  }
}

const FINISHED = "status IN ('DELIVERED', 'FAILED')";

function whereOf(conditions: string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** A row as selected, its id as text and its counts as numbers on both engines. */
function listed<T extends ListedNotification>(row: T): T {
  return {
    ...row,
    id: String(row.id),
    attempts: Number(row.attempts),
    last_status: row.last_status === null ? null : Number(row.last_status),
  };
}

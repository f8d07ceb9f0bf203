import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { context } from '@opentelemetry/api';
import type { DataSource } from 'typeorm';
import { newMessageId } from '../envelope';
import { claimRows } from '../store/claim-rows';
import { OutsideTransactionError } from '../outbox/outbox';
import { affectedRows } from '../support/affected-rows';
import { storedContextOf } from '../tracing';
import type { AfterCommitHook } from '../transaction-hooks/after-commit-hook';
import type { NotificationRequest } from './notification-request';
import type { LeasedNotification } from './record-attempt';

/**
 * Writes a PENDING notification with its JSON body `{ id, type, createdAt, data }` in the ambient
 * transaction, to `url` (already resolved to its canonical form), and has `wake` run once it
 * commits. Returns its id.
 * @throws OutsideTransactionError with no transaction open.
 */
export async function insertNotification<T>(
  txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  request: NotificationRequest<T>,
  url: string,
  wake: AfterCommitHook<void>,
): Promise<string> {
  if (!txHost.isTransactionActive()) {
    throw new OutsideTransactionError(
      `notification "${request.type}" must be enqueued inside the business transaction`,
    );
  }
  const id = request.id ?? newMessageId();
  const body = JSON.stringify({ id, type: request.type, createdAt: new Date().toISOString(), data: request.data });
  await txHost.tx.query(
    `INSERT INTO txmsg_notification (notification_id, subject, type, target_url, body, trace_context, status)
     VALUES (?, ?, ?, ?, ?, ?, 'PENDING')`,
    // The trace of the transaction that enqueued it: each webhook attempt continues it.
    [id, request.subject ?? null, request.type, url, body, storedContextOf(context.active())],
  );
  wake.add(txHost.tx, undefined);
  return id;
}

/** Makes every notification of `subject` due now, whatever its state. Returns how many. */
export async function markForResend(dataSource: DataSource, subject: string): Promise<number> {
  const result = await dataSource.query(
    `UPDATE txmsg_notification SET status = 'PENDING', next_attempt_at = NOW(3), finished_at = NULL WHERE subject = ?`,
    [subject],
  );
  return affectedRows(result);
}

/** What {@link leaseDueNotifications} looks for, and which of the rows it finds it leases. */
export interface DueNotificationsRequest {
  /** Due rows looked at, oldest first. */
  limit: number;
  /** How long a leased row is not due (its attempt's longest time, and a margin). */
  leaseMs: number;
  /** Rows to these origins are passed over: nothing of theirs could start now. */
  exceptOrigins: string[];
  /** Nor these notifications, whose attempts still run. */
  exceptIds: string[];
  /** Of the rows found (oldest first), those to lease: they are attempted at once. */
  choose: (rows: LeasedNotification[]) => LeasedNotification[];
}

/**
 * Leases due PENDING notifications in one short transaction (READ COMMITTED, `SKIP LOCKED`, so
 * instances never claim the same row): finds up to `limit` of them, oldest first, leases the
 * ones `choose` picks by moving their `next_attempt_at` `leaseMs` ahead, and commits. The rows not
 * chosen stay due. Returns how many rows were found, and the leased ones.
 */
export async function leaseDueNotifications(
  dataSource: DataSource,
  request: DueNotificationsRequest,
): Promise<{ found: number; leased: LeasedNotification[] }> {
  const where = ["status = 'PENDING'", 'next_attempt_at <= NOW(3)'];
  const params: unknown[] = [];
  for (const origin of request.exceptOrigins) {
    where.push(`target_url NOT LIKE ?`);
    params.push(`${origin.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`); // stored URLs are canonical: origin, then "/"
  }
  if (request.exceptIds.length > 0) {
    where.push('notification_id NOT IN (?)');
    params.push(request.exceptIds);
  }
  const select = `SELECT id, notification_id, target_url, body, attempts, trace_context FROM txmsg_notification
                   WHERE ${where.join(' AND ')}
                   ORDER BY next_attempt_at, id LIMIT ${request.limit} FOR UPDATE SKIP LOCKED`;
  let leased: LeasedNotification[] = [];
  const found = await claimRows<LeasedNotification>(dataSource, select, params, async (em, rows) => {
    leased = request.choose(rows);
    if (leased.length === 0) return;
    await em.query(
      `UPDATE txmsg_notification SET next_attempt_at = DATE_ADD(NOW(3), INTERVAL ? MICROSECOND) WHERE id IN (?)`,
      [request.leaseMs * 1000, leased.map((row) => row.id)],
    );
  });
  return { found, leased };
}

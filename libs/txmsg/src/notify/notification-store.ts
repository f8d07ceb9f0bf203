import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { context } from '@opentelemetry/api';
import type { DataSource } from 'typeorm';
import { newMessageId } from '../envelope';
import { OutsideTransactionError } from '../outbox/outbox';
import { affectedRows } from '../support/affected-rows';
import { storedContextOf } from '../tracing';
import type { AfterCommitHook } from '../transaction-hooks/after-commit-hook';
import type { NotificationRequest } from './notification-request';

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

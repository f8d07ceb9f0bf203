import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { context } from '@opentelemetry/api';
import { newMessageId } from '../envelope';
import { OutsideTransactionError } from '../outbox/outbox';
import type { NotificationStore } from '../store/notification-store';
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
  store: NotificationStore,
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
  await store.insert(txHost.tx, {
    notificationId: id,
    subject: request.subject ?? null,
    type: request.type,
    targetUrl: url,
    body,
    // The trace of the transaction that enqueued it: each webhook attempt continues it.
    traceContext: storedContextOf(context.active()),
  });
  wake.add(txHost.tx, undefined);
  return id;
}

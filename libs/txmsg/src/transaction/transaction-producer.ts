import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { newMessageId } from '../envelope';
import { Outbox, wakeRelayAfterCommit, type OutgoingMessage } from '../outbox/outbox';
import { affectedRows } from '../support/affected-rows';
import { withDeadlockRetry } from '../support/deadlock';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { ListenerRegistry } from './listener-registry';
import type { LocalTransactionState, TransactionMessage } from './local-transaction-state';

/** Result of {@link TransactionProducer.sendMessageInTransaction}. */
export interface TransactionSendResult {
  messageId: string;
  /** What the local transaction returned; a throw is rethrown instead. */
  state: LocalTransactionState;
}

/** Options of one transactional send. */
export type TransactionSendOptions = Pick<OutgoingMessage, 'messageId' | 'correlationId' | 'headers' | 'type'>;

/** The local transaction was refused by its listener (ROLLBACK). */
class RollbackSignal extends Error {}

/** The half message was resolved by a check-back before the local transaction could commit. */
export class HalfMessageResolvedError extends Error {
  override readonly name = 'HalfMessageResolvedError';
}

/**
 * Transactional messages with RocketMQ's semantics, on the outbox table.
 *
 * 1. A half message (PREPARED row) is committed on its own: from now on a crash anywhere is
 *    resolved by check-back.
 * 2. The listener's `execute` runs in a new ambient transaction. COMMIT flips the row to READY
 *    **in that same transaction**, so the message becomes deliverable atomically with the local
 *    change; UNKNOWN commits and leaves the row PREPARED; ROLLBACK or a throw rolls back and
 *    discards the row.
 * 3. The flip is conditional (`WHERE status = 'PREPARED'`): if a check-back already resolved the
 *    row, the local transaction rolls back instead of committing a change whose message was
 *    discarded. A late or repeated decision is a no-op.
 */
@Injectable()
export class TransactionProducer {
  private readonly logger = new Logger(TransactionProducer.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
    private readonly listeners: ListenerRegistry,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /**
   * Sends `payload` to `destination` (a routing key) if and only if the local transaction of
   * `group`'s listener commits.
   *
   * Transaction contract: opens its own transactions; must not be called inside one.
   * @returns the message id and the listener's state (ROLLBACK included).
   * @throws whatever `execute` threw (after rolling back and discarding the message);
   *   {@link HalfMessageResolvedError} when a check-back discarded the message first.
   */
  async sendMessageInTransaction<T, A = unknown>(
    group: string,
    destination: string,
    payload: T,
    arg?: A,
    options: TransactionSendOptions = {},
  ): Promise<TransactionSendResult> {
    const listener = this.listeners.get(group);
    if (this.txHost.isTransactionActive()) {
      throw new Error('sendMessageInTransaction opens its own transaction; call it outside @Transactional()');
    }
    const id = options.messageId ?? newMessageId();
    await this.dataSource.transaction(async (em) => {
      await this.outbox.insert({ ...options, routingKey: destination, payload, messageId: id }, 'PREPARED', group, em);
      await em.query(
        `UPDATE txmsg_outbox SET next_attempt_at = DATE_ADD(NOW(3), INTERVAL ? MICROSECOND) WHERE message_id = ?`,
        [this.options.check.firstCheckAfterMs * 1000, id],
      );
    });
    const message: TransactionMessage<T> = { id, destination, payload, group, checkCount: 0 };
    try {
      const state = await withDeadlockRetry(() =>
        this.txHost.withTransaction(async () => {
          const outcome = await listener.execute(message, arg as A);
          if (outcome === 'ROLLBACK') throw new RollbackSignal();
          if (outcome === 'COMMIT') await this.markReady(id);
          return outcome;
        }),
      );
      return { messageId: id, state };
    } catch (error) {
      await this.discard(id, error instanceof RollbackSignal ? 'rolled back by the local transaction' : error);
      if (error instanceof RollbackSignal) return { messageId: id, state: 'ROLLBACK' };
      throw error;
    }
  }

  private async markReady(id: string): Promise<void> {
    const result = await this.txHost.tx.query(
      `UPDATE txmsg_outbox SET status = 'READY', next_attempt_at = NOW(3) WHERE message_id = ? AND status = 'PREPARED'`,
      [id],
    );
    if (affectedRows(result) !== 1) {
      throw new HalfMessageResolvedError(`message ${id} was already resolved by a check-back; the local transaction is rolled back`);
    }
    wakeRelayAfterCommit(this.txHost.tx);
  }

  private async discard(id: string, reason: unknown): Promise<void> {
    const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    try {
      await this.dataSource.query(
        `UPDATE txmsg_outbox SET status = 'DISCARDED', finished_at = NOW(3), last_error = ?
          WHERE message_id = ? AND status = 'PREPARED'`,
        [text.slice(0, 1000), id],
      );
    } catch (error) {
      // The check-back will resolve the half message later; nothing is lost.
      this.logger.warn(`could not discard half message ${id} now: ${(error as Error).message}`);
    }
  }
}

import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable, type Type } from '@nestjs/common';
import { newMessageId } from '../envelope';
import { OutboxWriter } from '../outbox/outbox-writer';
import { withDeadlockRetry } from '../support/deadlock';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { ListenerRegistry } from './listener-registry';
import type { TransactionMessage } from './transaction-message';
import { type AnyListener, type ArgOf, groupOf, type PayloadOf } from './listener-types';
import { RollbackSignal, type TransactionSendOptions, type TransactionSendResult } from './transaction-send';

export type { TransactionSendOptions, TransactionSendResult } from './transaction-send';

/**
 * Transactional messages with RocketMQ's semantics, on the outbox table.
 *
 * The message is written in a new ambient transaction, then the listener's `execute` runs in that
 * same transaction (last, so what it locks stays locked only until the commit), and its answer
 * decides the message's fate:
 * - COMMIT: the message stays ready to publish, so it becomes deliverable atomically with the
 *   local change, and is published right after the commit like any outbox message.
 * - UNKNOWN: the local change commits with the message as a half message (PREPARED), which
 *   check-back resolves later by asking the listener's `check()`.
 * - ROLLBACK, or a throw: everything rolls back; no message exists, nothing is sent.
 *
 * Unlike RocketMQ's half message at the broker, here message and change are one database
 * transaction: a crash leaves both or neither, and a stalled local transaction never races a
 * check-back.
 */
@Injectable()
export class TransactionProducer {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: OutboxWriter,
    private readonly listeners: ListenerRegistry,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /**
   * Sends `payload` to `destination` (a routing key) if and only if the local transaction of the
   * listener commits. Name the listener by its class — `payload` and `arg` are then typed by it,
   * `sendMessageInTransaction(StartTransferTxListener, 'bank1.transfer.started', event, debit)` —
   * or by its group string.
   *
   * Transaction contract: opens its own (retried whole on a deadlock); never call it inside one.
   * @returns the message id and the listener's state (ROLLBACK included).
   * @throws whatever `execute` threw, after rolling everything back.
   */
  sendMessageInTransaction<L extends AnyListener>(
    listener: Type<L>,
    destination: string,
    payload: PayloadOf<L>,
    arg: ArgOf<L>,
    options?: TransactionSendOptions,
  ): Promise<TransactionSendResult>;
  sendMessageInTransaction<T, A = unknown>(
    group: string,
    destination: string,
    payload: T,
    arg?: A,
    options?: TransactionSendOptions,
  ): Promise<TransactionSendResult>;
  async sendMessageInTransaction(
    listenerOrGroup: string | Type<AnyListener>,
    destination: string,
    payload: unknown,
    arg?: unknown,
    options: TransactionSendOptions = {},
  ): Promise<TransactionSendResult> {
    const group = typeof listenerOrGroup === 'string' ? listenerOrGroup : groupOf(listenerOrGroup);
    const listener = this.listeners.get(group);
    if (this.txHost.isTransactionActive()) {
      throw new Error('sendMessageInTransaction opens its own transaction; call it outside @Transactional()');
    }
    const id = options.messageId ?? newMessageId();
    const message: TransactionMessage = { id, destination, payload, group, checkCount: 0 };
    const outgoing = { ...options, routingKey: destination, payload, messageId: id };
    try {
      const state = await withDeadlockRetry(() =>
        this.txHost.withTransaction(async () => {
          // The message first and the local transaction last, so the rows it locks (a busy
          // account, say) stay locked only until the commit, not across this insert as well.
          await this.outbox.write(outgoing, 'READY', group);
          const outcome = await listener.execute(message, arg);
          if (outcome === 'ROLLBACK') throw new RollbackSignal();
          if (outcome === 'UNKNOWN') await this.outbox.hold(id, destination, this.options.check.firstCheckAfterMs);
          return outcome;
        }),
      );
      return { messageId: id, state };
    } catch (error) {
      if (error instanceof RollbackSignal) return { messageId: id, state: 'ROLLBACK' };
      throw error;
    }
  }
}

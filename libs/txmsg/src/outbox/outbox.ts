import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import type { EntityManager } from 'typeorm';
import { newMessageId } from '../envelope';
import { wakeAfterCommit } from '../support/after-commit';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { CommitDispatcher } from './commit-dispatcher';
import { routingKeyOf } from './integration-event.decorator';
import type { OutboxRow } from './outbox-row';

/** CLS key under which the consumer runtime keeps the correlation id of the message being handled. */
export const CORRELATION_ID = 'txmsg.correlationId';

/** A message to add to the outbox. */
export interface OutgoingMessage<T = unknown> {
  /** Routing key on the library's topic exchange, `<service>.<noun>.<past-tense>`. */
  routingKey: string;
  /** JSON-serialisable payload. */
  payload: T;
  /** Message type; defaults to the routing key. */
  type?: string;
  /** Message id; a random UUID by default. Give one to make the write itself idempotent. */
  messageId?: string;
  /** Defaults to the correlation id of the message or request being handled. */
  correlationId?: string;
  /** Extra AMQP headers. */
  headers?: Record<string, string | number | boolean>;
}

/** Thrown when a message is written to the outbox with no transaction open. */
export class OutsideTransactionError extends Error {
  override readonly name = 'OutsideTransactionError';
}

/** Internal: row status values of `txmsg_outbox`. */
export type OutboxStatus = 'PREPARED' | 'READY' | 'PUBLISHED' | 'DISCARDED';

/** Marks the transaction so that the relay is woken right after it commits. */
export function wakeRelayAfterCommit(manager: EntityManager): void {
  wakeAfterCommit(manager, 'relay');
}

/**
 * The transactional outbox (eBay's local message table). `add` and `publish` write the message
 * in the **ambient** transaction (`@Transactional()` or `TransactionHost.withTransaction`), so it
 * commits or rolls back with the business change; the relay publishes it after the commit.
 *
 * Transaction contract: must be called inside an open transaction, else
 * {@link OutsideTransactionError}; never opens one itself.
 */
@Injectable()
export class Outbox {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly dispatcher: CommitDispatcher,
    private readonly cls: ClsService,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /** Adds a message; returns its id. */
  async add<T>(message: OutgoingMessage<T>): Promise<string> {
    return this.insert(message, 'READY');
  }

  /** Adds an {@link IntegrationEvent} instance, routed by its decorator; returns the message id. */
  async publish(event: object, options: Omit<OutgoingMessage, 'routingKey' | 'payload'> = {}): Promise<string> {
    const routingKey = routingKeyOf(event);
    if (!routingKey) {
      throw new Error(`${event.constructor.name} is not decorated with @IntegrationEvent(routingKey)`);
    }
    return this.add({ ...options, routingKey, payload: { ...event } });
  }

  /**
   * Internal: writes a row in the ambient transaction, in the given state (half messages whose
   * outcome is unknown are PREPARED, due for their first check after `dueInMs`).
   */
  async insert<T>(message: OutgoingMessage<T>, status: OutboxStatus, txGroup?: string, dueInMs = 0): Promise<string> {
    const em = this.currentManager(message.routingKey);
    const id = message.messageId ?? newMessageId();
    const correlationId = message.correlationId ?? this.currentCorrelationId() ?? id;
    const row: OutboxRow = {
      message_id: id,
      type: message.type ?? message.routingKey,
      exchange: this.options.broker.exchange,
      routing_key: message.routingKey,
      payload: JSON.stringify(message.payload),
      headers: message.headers ? JSON.stringify(message.headers) : null,
      correlation_id: correlationId,
      created_at: new Date(),
    };
    // A ready row is published right after the commit by this process when it can; until then
    // it stays out of the relay's reach.
    const dispatchedInMs = status === 'READY' ? this.dispatcher.take(em, row) : 0;
    await em.query(
      `INSERT INTO txmsg_outbox
         (message_id, type, exchange, routing_key, payload, headers, correlation_id, status, tx_group, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, DATE_ADD(NOW(3), INTERVAL ? MICROSECOND))`,
      [
        id,
        row.type,
        row.exchange,
        row.routing_key,
        row.payload,
        row.headers,
        correlationId,
        status,
        txGroup ?? null,
        Math.max(dueInMs, dispatchedInMs) * 1000,
      ],
    );
    if (status === 'READY' && dispatchedInMs === 0) wakeRelayAfterCommit(em);
    return id;
  }

  /**
   * Internal: turns a READY row written in the ambient transaction into a PREPARED half message,
   * due for its first check after `dueInMs`, and takes it back from the commit-time dispatch.
   */
  async holdForCheck(messageId: string, routingKey: string, dueInMs: number): Promise<void> {
    const em = this.currentManager(routingKey);
    this.dispatcher.release(em, messageId);
    await em.query(
      `UPDATE txmsg_outbox SET status = 'PREPARED', next_attempt_at = DATE_ADD(NOW(3), INTERVAL ? MICROSECOND)
        WHERE message_id = ? AND status = 'READY'`,
      [dueInMs * 1000, messageId],
    );
  }

  private currentManager(routingKey: string): EntityManager {
    if (!this.txHost.isTransactionActive()) {
      throw new OutsideTransactionError(
        `"${routingKey}" was written to the outbox outside a transaction; wrap the business change and the message in @Transactional() so they commit together`,
      );
    }
    return this.txHost.tx;
  }

  private currentCorrelationId(): string | undefined {
    if (!this.cls.isActive()) return undefined;
    return this.cls.get(CORRELATION_ID) ?? this.cls.getId() ?? undefined;
  }
}

import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { SpanKind, context, trace } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import { newMessageId } from '../envelope';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { CommitDispatcher } from './commit-dispatcher';
import { DelayedRelease } from './delayed-release';
import { CORRELATION_ID, type OutboxStatus, type OutgoingMessage } from './outbox-message';
import { OutboxRelay } from './outbox-relay';
import type { OutboxRow } from './outbox-row';
import { OutboxStore } from '../store/outbox-store';
import { OrderingStore } from '../store/ordering-store';
import { MAX_ORDERING_KEY_LENGTH, ORDERING_HEADERS } from '../ordering/ordering-headers';
import { MessageTooLargeError } from './message-too-large.error';
import { OutsideTransactionError } from './outside-transaction.error';
import { NO_SPAN, endSpan, setMessageAttributes, startSpan, storedContextOf } from '../tracing';

/**
 * Writes outbox rows in the ambient transaction: the one mechanism that adds them (through the {@link OutboxStore}).
 * A READY row is handed to the {@link CommitDispatcher} to publish right after the commit (and
 * kept out of the relay's reach until then), or else the relay is woken after the commit.
 *
 * Transaction contract: must be called inside an open transaction, else
 * {@link OutsideTransactionError}; never opens one itself.
 */
@Injectable()
export class OutboxWriter {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly dispatcher: CommitDispatcher,
    private readonly relay: OutboxRelay,
    private readonly delayed: DelayedRelease,
    private readonly cls: ClsService,
    private readonly store: OutboxStore,
    private readonly ordering: OrderingStore,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /**
   * Writes a row in `status` (a PREPARED half message is due for its first check after
   * `dueInMs`, a SCHEDULED delayed message for its release), tagged with the transactional
   * `group` that sent it, if any; returns its id.
   */
  async write<T>(message: OutgoingMessage<T>, status: OutboxStatus, group?: string, dueInMs = 0): Promise<string> {
    const em = this.currentManager(message.routingKey);
    const payload = JSON.stringify(message.payload);
    this.assertFits(message.routingKey, payload);
    const id = message.messageId ?? newMessageId();
    const exchange = this.options.broker.exchange;
    // The write's span (a child of the request or of the message being handled) is the parent the
    // row keeps for its publish, whichever process publishes it and however late.
    const active = context.active();
    const span = startSpan('create', exchange, SpanKind.PRODUCER, active);
    const row: OutboxRow = {
      message_id: id,
      type: message.type ?? message.routingKey,
      exchange,
      routing_key: message.routingKey,
      payload,
      headers: await this.headersOf(em, message),
      correlation_id: message.correlationId ?? this.currentCorrelationId() ?? id,
      trace_context: span === NO_SPAN ? null : storedContextOf(trace.setSpan(active, span)),
      created_at: new Date(),
    };
    setMessageAttributes(span, 'create', exchange, row.routing_key, id, row.correlation_id);
    try {
      await this.insert(em, row, status, group, dueInMs);
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
    endSpan(span);
    return id;
  }

  private async insert(
    em: EntityManager,
    row: OutboxRow,
    status: OutboxStatus,
    group: string | undefined,
    dueInMs: number,
  ): Promise<void> {
    const dispatchedInMs = status === 'READY' ? this.dispatcher.take(em, row) : 0;
    await this.store.insert(em, row, status, group, Math.max(dueInMs, dispatchedInMs));
    if (status === 'READY' && dispatchedInMs === 0) this.relay.wakeAfterCommit(em);
    // Never published at commit: the delayed release makes it READY once due.
    if (status === 'SCHEDULED') this.delayed.noteAfterCommit(em, dueInMs);
  }

  /**
   * Turns a READY row written in the ambient transaction into a PREPARED half message, due for
   * its first check after `dueInMs`, and takes it back from the commit-time dispatch.
   */
  async hold(messageId: string, routingKey: string, dueInMs: number): Promise<void> {
    const em = this.currentManager(routingKey);
    this.dispatcher.release(em, messageId);
    await this.store.hold(em, messageId, dueInMs);
  }

  /**
   * The message's extra headers, with its ordering key and the key's next sequence number when
   * it has one (the key's row then stays locked until this transaction ends).
   */
  private async headersOf(em: EntityManager, message: OutgoingMessage<unknown>): Promise<string | null> {
    const { orderingKey } = message;
    if (orderingKey === undefined) return message.headers ? JSON.stringify(message.headers) : null;
    if (typeof orderingKey !== 'string' || orderingKey.length === 0 || orderingKey.length > MAX_ORDERING_KEY_LENGTH) {
      throw new Error(
        `"${message.routingKey}": the ordering key must be a string of 1 to ${MAX_ORDERING_KEY_LENGTH} characters; nothing was written`,
      );
    }
    const seq = await this.ordering.nextSeq(em, orderingKey);
    return JSON.stringify({ ...message.headers, [ORDERING_HEADERS.key]: orderingKey, [ORDERING_HEADERS.seq]: seq });
  }

  private assertFits(routingKey: string, payload: string): void {
    const { maxBytes } = this.options.messages;
    // A UTF-16 unit takes at most three bytes of UTF-8: only a long payload needs counting.
    if (payload.length * 3 <= maxBytes) return;
    const size = Buffer.byteLength(payload);
    if (size > maxBytes) {
      throw new MessageTooLargeError(
        `"${routingKey}" is ${size} bytes of JSON, over the maximum message size of ${maxBytes} bytes (messages.maxBytes); nothing was written`,
      );
    }
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

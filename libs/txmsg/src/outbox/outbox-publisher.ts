import { Inject, Injectable, Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { ConfirmedPublisher, UnroutableMessageError } from '../broker/confirmed-publisher';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { OutboxStore } from '../store/outbox-store';
import { type OutboxRow, publishOptionsOf } from './outbox-row';
import { retryDelayMs } from './retry-delay';
import { SIGNATURE_HEADERS, signInto } from '../signing/message-signature';
import { signedOrderingOf } from '../ordering/ordering-headers';
import { carrierOf, contextOfCarrier, endSpan, injectTraceHeaders, setMessageAttributes, startSpan } from '../tracing';

/** A READY row with the publish attempts it has had. */
export type AttemptedRow = OutboxRow & { attempts: number };

/**
 * Publishes outbox rows and records the outcome: the one class that does, for the commit
 * dispatcher and the relay alike.
 *
 * Transaction contract: call it with no transaction open. Outcomes are conditional autocommit
 * UPDATEs (`WHERE status = 'READY'`), so a row published or postponed by someone else meanwhile
 * is left as it is.
 */
@Injectable()
export class OutboxPublisher {
  private readonly logger = new Logger(OutboxPublisher.name);
  private readonly signingKey?: { keyId: string; secret: string };

  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: ConfirmedPublisher,
    private readonly metrics: TxMsgMetrics,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    const { signing } = options.messages;
    if (signing) this.signingKey = { keyId: signing.keyId, secret: signing.keys[signing.keyId] };
  }

  /** Whether a publish is expected to go through now (see {@link ConfirmedPublisher.reachable}). */
  get reachable(): boolean {
    return this.publisher.reachable;
  }

  /**
   * Publishes one row with its envelope, confirmed and routed, in a PRODUCER span parented to the
   * write that stored the row; the message carries the trace on in W3C headers, and its signature
   * when `messages.signing` is set.
   * @throws what the publish threw.
   */
  async publish(row: OutboxRow): Promise<void> {
    // publishOptionsOf builds a fresh object for this call alone: the publisher may complete it in place.
    const options = publishOptionsOf(row, this.options.service);
    const kept = carrierOf(row.trace_context);
    const parent = contextOfCarrier(kept);
    const span = startSpan('publish', row.exchange, SpanKind.PRODUCER, parent);
    setMessageAttributes(span, 'send', row.exchange, row.routing_key, row.message_id, row.correlation_id);
    injectTraceHeaders(options.headers!, span, parent, kept);
    const body = Buffer.from(row.payload);
    if (this.signingKey) {
      const time = Number(options.headers![SIGNATURE_HEADERS.time]);
      signInto(options.headers!, this.signingKey, {
        routingKey: row.routing_key,
        messageId: row.message_id,
        time,
        body,
        ordering: signedOrderingOf(options.headers!, options.appId),
      });
    }
    try {
      await this.publisher.publishOwned(row.exchange, row.routing_key, body, options);
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
    endSpan(span);
    this.metrics.messagePublished(row.routing_key, row.created_at);
  }

  /** Marks published rows, by message id, in one UPDATE. */
  async markPublished(messageIds: string[]): Promise<void> {
    await this.store.markPublished(messageIds);
  }

  /**
   * Records that READY rows failed to publish for `reason`, and makes each due again after its
   * next back-off step (`retryBaseMs` doubling per attempt, up to `retryMaxMs`).
   */
  async postpone(rows: AttemptedRow[], reason: unknown): Promise<void> {
    const message = reason instanceof Error ? reason.message : String(reason);
    const unroutable = reason instanceof UnroutableMessageError;
    const byDelay = new Map<number, OutboxRow[]>();
    for (const row of rows) {
      const delayMs = retryDelayMs(row.attempts, this.options.relay);
      const same = byDelay.get(delayMs);
      if (same) same.push(row);
      else byDelay.set(delayMs, [row]);
      this.metrics.publishFailed(unroutable ? 'unroutable' : 'error');
    }
    for (const [delayMs, same] of byDelay) {
      const what =
        same.length === 1 ? `message ${same[0].message_id} (${same[0].routing_key})` : `${same.length} messages`;
      const log = `${what} not published, retrying in ${delayMs} ms: ${message}`;
      if (unroutable) this.logger.warn(log);
      else this.logger.error(log);
      await this.store.postpone(
        same.map((row) => row.message_id),
        delayMs,
        message,
      );
    }
  }
}

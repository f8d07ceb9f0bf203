import type { ConsumeMessage, Message, MessageProperties } from 'amqplib';
import type { MessageEnvelope } from '../envelope';
import { SIGNATURE_HEADERS } from '../signing/message-signature';

/**
 * What an `@OnIntegrationEvent` handler learns about the message besides its event: the second
 * argument of `handle(event, ctx)`. Read-only, built per delivery; nothing in it is needed to apply
 * the message once (the runtime does that), it is there to log, trace and branch on.
 */
export interface MessageContext {
  /** The message id (AMQP `messageId`): the dedup key unless `key` names another. */
  readonly messageId: string;
  /**
   * 1 on the first delivery; n + 1 once this consumer failed on it n times and the retry ladder
   * sent it back. A delivery the broker redelivers (requeued at shutdown, say) keeps its number.
   */
  readonly attempt: number;
  /** The routing key it was published with: a retry sent back to the queue keeps the original. */
  readonly routingKey: string;
  /** The AMQP headers as received (the library's own `x-txmsg-*` among them). */
  readonly headers: Readonly<Record<string, unknown>>;
  /** When the producer wrote it (to its outbox); undefined when the message carries no time. */
  readonly publishedAt: Date | undefined;
  /** The W3C trace id (32 hex digits) of its `traceparent` header; undefined without a valid one. */
  readonly traceId: string | undefined;
  /** Ties the messages one request caused together; the message id when the producer set none. */
  readonly correlationId: string;
  /** The service that sent it (AMQP `appId`); `unknown` when the producer did not say. */
  readonly source: string;
  /** The consumer name its dedup row and any failure are kept under (`consumer`, default `Class.method`). */
  readonly consumer: string;
  /** The dedup key of this delivery: `key` of the event, or the message id. */
  readonly dedupKey: string;
}

/** What a `key` function of `@OnIntegrationEvent` is given besides the event: all but the key it computes. */
export type DedupKeyContext = Omit<MessageContext, 'dedupKey'>;

/** version - trace id - parent id - flags; an all-zero trace id is invalid. */
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id of a W3C `traceparent` header value, if it is one. */
export function traceIdOf(traceparent: unknown): string | undefined {
  if (typeof traceparent !== 'string') return undefined;
  const traceId = TRACEPARENT.exec(traceparent.trim().toLowerCase())?.[1];
  return traceId && !/^0+$/.test(traceId) ? traceId : undefined;
}

/** The context of `message` for consumer `consumer`, without its dedup key. */
export function dedupKeyContextOf(
  message: ConsumeMessage,
  envelope: MessageEnvelope,
  consumer: string,
): DedupKeyContext {
  const headers = message.properties.headers ?? {};
  return {
    messageId: envelope.id,
    // The envelope counts failures so far, as the ladder's header does; a handler counts deliveries.
    attempt: envelope.attempt + 1,
    routingKey: routingKeyAsSent(message),
    headers,
    publishedAt: envelope.time > 0 ? new Date(envelope.time) : undefined,
    traceId: traceIdOf(headers.traceparent),
    correlationId: envelope.correlationId,
    source: envelope.source,
    consumer,
  };
}

/** Carries the routing key a message was published with once it is sent back through the default exchange. */
const ROUTING_KEY_HEADER = SIGNATURE_HEADERS.routingKey;

/**
 * The routing key `message` was published with. A message the library sends back to a queue (a
 * retry, a held ordered message) comes through the default exchange with the queue as its routing
 * key; the original travels in a header, which is believed only there.
 */
export function routingKeyAsSent(message: Message): string {
  const kept = message.properties.headers?.[ROUTING_KEY_HEADER];
  return message.fields.exchange === '' && typeof kept === 'string' ? kept : message.fields.routingKey;
}

/** The AMQP properties of `message` as kept to send it back later, with the routing key it was published with. */
export function keptPropertiesOf(message: Message): MessageProperties {
  const properties = message.properties ?? ({} as MessageProperties);
  // Sent back before, it already carries the header; one that came through an exchange is told
  // the routing key it came with, whatever header it brought.
  if (!message.fields?.exchange) return properties;
  const headers = { ...properties.headers, [ROUTING_KEY_HEADER]: message.fields.routingKey };
  return { ...properties, headers };
}

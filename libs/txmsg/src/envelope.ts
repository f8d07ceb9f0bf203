import type { Message, Options } from 'amqplib';
import { createHash, randomUUID } from 'node:crypto';
import { ATTEMPT_HEADER } from './txmsg.constants';

/**
 * What every txmsg message carries besides its payload, in standard AMQP properties so any
 * consumer (not only this library) can read it: `messageId`, `type`, `appId` (the producing
 * service), `timestamp` and `correlationId`.
 */
export interface MessageEnvelope {
  /** Unique id, also the AMQP `messageId`; the default dedup key. */
  id: string;
  /** Message type; by convention the routing key, `<service>.<noun>.<past-tense>`. */
  type: string;
  /** The service that produced it. */
  source: string;
  /** When it was written to the outbox (ms since epoch). */
  time: number;
  /** Traces a chain of messages back to the request that started it. */
  correlationId: string;
  /** How many times a consumer already failed on it (0 on first delivery). */
  attempt: number;
}

/** A new message id: a random UUID. */
export function newMessageId(): string {
  return randomUUID();
}

/** AMQP publish properties for an envelope: persistent JSON with the envelope fields. */
export function toPublishOptions(
  envelope: Omit<MessageEnvelope, 'attempt'>,
  headers: Record<string, unknown> = {},
): Options.Publish {
  return {
    persistent: true,
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    messageId: envelope.id,
    type: envelope.type,
    appId: envelope.source,
    timestamp: Math.floor(envelope.time / 1000),
    correlationId: envelope.correlationId,
    headers: { ...headers, 'x-txmsg-time': envelope.time },
  };
}

/**
 * Reads the envelope of a consumed message. A message published by another tool may lack a
 * `messageId`; its id is then the SHA-256 of routing key and body, so replays of the same bytes
 * still dedupe.
 */
export function envelopeOf(message: Message): MessageEnvelope {
  const p = message.properties ?? ({} as Message['properties']);
  const headers = p.headers ?? {};
  const time = Number(headers['x-txmsg-time'] ?? (p.timestamp ? Number(p.timestamp) * 1000 : 0));
  const id =
    typeof p.messageId === 'string' && p.messageId.length > 0 && p.messageId.length <= 64
      ? p.messageId
      : createHash('sha256').update(message.fields.routingKey).update('\0').update(message.content).digest('hex');
  return {
    id,
    type: p.type ?? message.fields.routingKey,
    source: p.appId ?? 'unknown',
    time: Number.isFinite(time) ? time : 0,
    correlationId: p.correlationId ?? id,
    attempt: Math.max(0, Number(headers[ATTEMPT_HEADER] ?? 0) || 0),
  };
}

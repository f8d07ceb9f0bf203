import { createHmac, timingSafeEqual } from 'node:crypto';

/** The AMQP headers of a signed message. */
export const SIGNATURE_HEADERS = {
  /** Id of the key that signed it. */
  keyId: 'x-txmsg-key-id',
  /** `v1=` and the base64 HMAC-SHA256 of the signed fields. */
  signature: 'x-txmsg-signature',
  /**
   * The routing key it was signed for. A copy sent straight to a queue (a retry, a requeue from
   * a parking queue) reaches its consumer under the queue's name, so this is what is verified.
   */
  routingKey: 'x-txmsg-routing-key',
  /** When it was written (ms since epoch); signed, so it cannot be refreshed to dodge the age limit. */
  time: 'x-txmsg-time',
} as const;

/** What a signature covers. */
export interface SignedFields {
  routingKey: string;
  messageId: string;
  /** ms since epoch. */
  time: number;
  body: Buffer;
  /** Producing service, ordering key and sequence, for a message written with an ordering key. */
  ordering?: string;
}

/** The signature of `fields` with `secret`: `v1=<base64 HMAC-SHA256>`. Pure. */
export function messageSignature(secret: string, fields: SignedFields): string {
  return `v1=${digestOf(secret, fields).toString('base64')}`;
}

/** Adds the signature headers of `fields`, signed with key `keyId`, to `headers` (in place). */
export function signInto(
  headers: Record<string, unknown>,
  key: { keyId: string; secret: string },
  fields: SignedFields,
): void {
  headers[SIGNATURE_HEADERS.keyId] = key.keyId;
  headers[SIGNATURE_HEADERS.routingKey] = fields.routingKey;
  headers[SIGNATURE_HEADERS.time] = fields.time;
  headers[SIGNATURE_HEADERS.signature] = messageSignature(key.secret, fields);
}

/** Whether `signature` is the one `secret` gives `fields`, compared in constant time. */
export function signatureMatches(secret: string, fields: SignedFields, signature: string): boolean {
  if (!signature.startsWith('v1=')) return false;
  const given = Buffer.from(signature.slice(3), 'base64');
  const expected = digestOf(secret, fields);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function digestOf(secret: string, { routingKey, messageId, time, body, ordering }: SignedFields): Buffer {
  // An ordered message's input starts differently, so no unordered message can share its signature.
  const head = ordering === undefined ? 'v1' : `v1o\n${ordering}`;
  return createHmac('sha256', secret).update(`${head}\n${routingKey}\n${messageId}\n${time}\n`).update(body).digest();
}

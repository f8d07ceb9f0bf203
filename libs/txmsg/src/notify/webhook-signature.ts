import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a signed webhook (Standard Webhooks). */
export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** Default tolerance for the webhook timestamp: 5 minutes either way. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Prefix of a Standard Webhooks secret: the rest is the key, base64-encoded. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/**
 * The HMAC key a secret stands for. A `whsec_`-prefixed secret is read as the Standard Webhooks
 * libraries read it (the base64-decoded bytes after the prefix), so a receiver can use one of them
 * with the same secret; any other secret is used as it is written (its UTF-8 bytes).
 * @throws Error when a `whsec_` secret is not base64 or decodes to nothing.
 */
export function webhookKey(secret: string): Buffer {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return Buffer.from(secret, 'utf8');
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  // Buffer.from skips what is not base64 instead of failing, so check the text first.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw new Error(`a ${WEBHOOK_SECRET_PREFIX} secret must be followed by base64 (standard alphabet, padded)`);
  }
  return Buffer.from(encoded, 'base64');
}

/**
 * Signs a webhook body: `v1,` + base64 HMAC-SHA256 over `${id}.${timestamp}.${body}`, the
 * Standard Webhooks scheme (also Svix's). `timestamp` is in seconds since the epoch; `secret` is
 * read by {@link webhookKey}.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', webhookKey(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

/** Why {@link verifyWebhook} refused a request. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

/**
 * Verifies a signed webhook. Returns its id and timestamp; throws
 * {@link WebhookVerificationError} when a header is missing, the timestamp is outside the
 * tolerance, or no signature matches (the header may carry several, space-separated, during a
 * secret rotation). Replays inside the tolerance are the receiver's to refuse, by id.
 * `secret` is read by {@link webhookKey}, so a `whsec_` secret of a Standard Webhooks sender works.
 *
 * @param rawBody the body exactly as received: re-serialised JSON would not match.
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string | Buffer,
  options: { toleranceSeconds?: number; now?: number } = {},
): { id: string; timestamp: number } {
  const header = (name: string) => {
    const value = headers[name] ?? headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  const id = header(WEBHOOK_HEADERS.id);
  const timestampText = header(WEBHOOK_HEADERS.timestamp);
  const signatures = header(WEBHOOK_HEADERS.signature);
  if (!id || !timestampText || !signatures) {
    throw new WebhookVerificationError(
      `missing ${WEBHOOK_HEADERS.id}, ${WEBHOOK_HEADERS.timestamp} or ${WEBHOOK_HEADERS.signature} header`,
    );
  }
  if (!/^\d{1,12}$/.test(timestampText))
    throw new WebhookVerificationError('webhook-timestamp is not a Unix time in seconds');
  const timestamp = Number(timestampText);
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (Math.abs(now - timestamp) > tolerance) {
    throw new WebhookVerificationError(`webhook-timestamp is more than ${tolerance} s away from now`);
  }
  const expected = Buffer.from(signWebhook(secret, id, timestamp, rawBody));
  const matches = signatures
    .split(' ')
    .map((candidate) => Buffer.from(candidate))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
  if (!matches) throw new WebhookVerificationError('no webhook-signature matches the body');
  return { id, timestamp };
}

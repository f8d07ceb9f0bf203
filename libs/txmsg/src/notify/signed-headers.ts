import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature';

/** The headers of one attempt: JSON, who sends it, and the Standard Webhooks id, timestamp and signature. */
export function signedHeaders(secret: string, service: string, id: string, body: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': `txmsg-notifier (${service})`,
    [WEBHOOK_HEADERS.id]: id,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: signWebhook(secret, id, timestamp, body),
  };
}

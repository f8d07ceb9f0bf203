import { signWebhook, verifyWebhook, WEBHOOK_HEADERS } from '@txmsg/nestjs';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook as pay's notifier would send it: JSON body and Standard Webhooks headers. */
export function signedWebhook(
  secret: string,
  data: unknown,
  options: { id?: string; timestamp?: number; type?: string } = {},
): { headers: Record<string, string>; body: string } {
  const id = options.id ?? randomUUID();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    id,
    type: options.type ?? 'pay.recharge.completed',
    createdAt: new Date().toISOString(),
    data,
  });
  return {
    body,
    headers: {
      [WEBHOOK_HEADERS.id]: id,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: signWebhook(secret, id, timestamp, body),
    },
  };
}

/** One request a {@link WebhookReceiver} got, and what it answered. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  /** The body of the answer, when the request was forwarded. */
  answer?: string;
  /** Whether its signature verified with the receiver's own key (when it has one). */
  verified?: boolean;
}

/**
 * A webhook receiver for tests: answers the status codes of `script` in turn, then forwards each
 * further request (raw body, same webhook id) to `forwardTo` and passes its answer back.
 * Listens on `port` of 127.0.0.1 (one chosen in advance and allowed at pay), or on any free one.
 * With `keys`, it is a gateway with a key of its own, as pay gives every receiver one: it checks
 * each request's signature with `keys.own` and signs what it forwards again with `keys.forward`;
 * without, it forwards the headers unchanged.
 */
export async function webhookReceiver(
  script: number[],
  forwardTo: () => string,
  port = 0,
  keys?: { own: string; forward: string },
) {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      const scripted = script.shift();
      const entry: ReceivedWebhook = { headers: req.headers, body, status: scripted ?? 0 };
      if (keys) entry.verified = verifies(keys.own, req.headers, body);
      if (scripted === undefined) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        for (const name of Object.values(WEBHOOK_HEADERS)) headers[name] = String(req.headers[name] ?? '');
        if (keys) {
          const timestamp = Math.floor(Date.now() / 1000);
          headers[WEBHOOK_HEADERS.timestamp] = String(timestamp);
          headers[WEBHOOK_HEADERS.signature] = signWebhook(keys.forward, headers[WEBHOOK_HEADERS.id], timestamp, body);
        }
        const reply = await fetch(forwardTo(), { method: 'POST', headers, body }).catch(() => undefined);
        entry.status = reply?.status ?? 502;
        entry.answer = await reply?.text();
      }
      received.push(entry);
      res.statusCode = entry.status;
      res.end(entry.answer ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/recharge`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

function verifies(key: string, headers: IncomingHttpHeaders, body: string): boolean {
  try {
    verifyWebhook(key, headers, body);
    return true;
  } catch {
    return false;
  }
}

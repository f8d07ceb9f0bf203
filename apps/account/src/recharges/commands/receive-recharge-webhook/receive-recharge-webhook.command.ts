import { Command } from '@nestjs/cqrs';
import type { IncomingHttpHeaders } from 'node:http';

/** The answer to pay: 2xx ends its retries. `replay` when this webhook id was accepted before. */
export interface WebhookAnswer {
  received: true;
  applied: boolean;
  replay: boolean;
}

/**
 * Verifies and applies pay's signed webhook (external receivers, over HTTP). Refused with 401: missing or bad
 * signature, timestamp more than 5 minutes away. A replayed webhook id is answered 200 without
 * effect (pay re-sends the same id after a lost answer, and must stop). The receipt and the
 * effect commit together, so a webhook that failed is applied when pay tries again.
 */
export class ReceiveRechargeWebhookCommand extends Command<WebhookAnswer> {
  constructor(
    readonly headers: IncomingHttpHeaders,
    /** The body exactly as received; undefined when it was not JSON. */
    readonly rawBody: Buffer | undefined,
  ) {
    super();
  }
}

import { Agent, request } from 'undici';
import { failureOfStatus } from './attempt-outcome';
import { failureOfError } from './failure-of-error';
import type { PostOutcome } from './post-outcome';
import { publicOnlyLookup } from './public-address';

/**
 * POSTs webhooks over its own connection pool, whose sockets connect to public addresses only
 * (see {@link publicOnlyLookup}), never follow a redirect, and give up after `timeoutMs` —
 * connecting, waiting for headers and reading the body alike.
 */
export class WebhookPoster {
  private readonly agent: Agent;

  constructor(private readonly timeoutMs: number) {
    this.agent = new Agent({
      connect: { lookup: publicOnlyLookup(), timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  }

  async post(url: string, headers: Record<string, string>, body: string): Promise<PostOutcome> {
    try {
      const response = await request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body.dump().catch(() => undefined);
      return { statusCode: response.statusCode, failure: failureOfStatus(response.statusCode) };
    } catch (error) {
      return { statusCode: null, failure: failureOfError(error), cause: error };
    }
  }

  /** Closes the pooled connections; in-flight requests are aborted. */
  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

import type { ConsumeMessage } from 'amqplib';

/**
 * Header carrying a token unique to one publish call. A returned message names no delivery tag,
 * and the same message id is published again on every retry, so only a token of the attempt
 * itself tells which publish a late return belongs to.
 */
export const PUBLISH_TOKEN_HEADER = 'x-txmsg-publish';

/**
 * Publishes in flight, by token: `true` once the broker returned that publish. An entry lives
 * exactly as long as its publish call, so a return that comes after its publish gave up (timed
 * out, nacked) finds nothing and cannot mark a later publish of the same message.
 */
export class ReturnedPublishes {
  private readonly inFlight = new Map<string, boolean>();
  private sequence = 0;

  /** Starts tracking a publish; returns the token to send in {@link PUBLISH_TOKEN_HEADER}. */
  begin(): string {
    const token = String(++this.sequence);
    this.inFlight.set(token, false);
    return token;
  }

  /** Notes a message the broker returned (unroutable). */
  returned(message: ConsumeMessage): void {
    const token = message.properties.headers?.[PUBLISH_TOKEN_HEADER];
    if (typeof token === 'string' && this.inFlight.has(token)) this.inFlight.set(token, true);
  }

  /** Whether the publish of `token` was returned. */
  wasReturned(token: string): boolean {
    return this.inFlight.get(token) === true;
  }

  /** Stops tracking a publish (its call ended, however). */
  end(token: string): void {
    this.inFlight.delete(token);
  }

  /** Publishes being tracked. */
  get size(): number {
    return this.inFlight.size;
  }
}

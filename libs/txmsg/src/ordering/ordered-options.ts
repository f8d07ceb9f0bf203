/** Options of an ordered consumer (`ordered: true` takes the defaults). */
export interface OrderedConsumerOptions {
  /**
   * How long a message waits for a predecessor this consumer has never seen (not one failing
   * here: that one is waited for however long it takes) before it is applied without it — the
   * predecessor was then never routed to this consumer's queue (it binds only some of the
   * producer's routing keys, or was created after the predecessor was sent). Default 60 s.
   */
  gapTimeoutMs?: number;
  /**
   * When a message of a key is parked, let the next messages of the key go on instead of waiting
   * for an operator to requeue or skip it. Default false: a parked message blocks its key.
   */
  skipOnPark?: boolean;
}

/** An ordered consumer's options with their defaults. */
export type ResolvedOrderedOptions = Required<OrderedConsumerOptions>;

export const DEFAULT_GAP_TIMEOUT_MS = 60_000;

/** The options of `ordered` as given on a consumer decorator; undefined for an unordered consumer. */
export function resolveOrdered(
  ordered: boolean | OrderedConsumerOptions | undefined,
): ResolvedOrderedOptions | undefined {
  if (!ordered) return undefined;
  const given = ordered === true ? {} : ordered;
  const gapTimeoutMs = given.gapTimeoutMs ?? DEFAULT_GAP_TIMEOUT_MS;
  if (!Number.isFinite(gapTimeoutMs) || gapTimeoutMs < 0) {
    throw new Error(`ordered.gapTimeoutMs must be a duration in ms (0 or more), not ${String(given.gapTimeoutMs)}`);
  }
  return { gapTimeoutMs, skipOnPark: given.skipOnPark ?? false };
}

/**
 * What a message may be, on both sides: its size, its JSON nesting, and who may have sent it.
 * Every consumer's memory is bounded by these: a delivery larger than `maxBytes` is parked
 * without being parsed, and at most `broker.prefetch` deliveries are held at once, so
 * `broker.prefetch × maxBytes` must fit in `inFlightBudgetBytes`.
 */
export interface TxMsgMessageOptions {
  /**
   * Largest message body, in bytes. The outbox refuses to write a larger message (a
   * `MessageTooLargeError` in the caller's transaction); a consumer parks a larger delivery at
   * once, as `OVERSIZED`, keeping its headers, size, SHA-256 and first 4 KiB, never the whole
   * body. Default 1 MiB (1 048 576).
   */
  maxBytes?: number;
  /** Deepest JSON nesting a consumer parses; a deeper body is parked at once as `POISON`. Default 64. */
  maxDepth?: number;
  /**
   * Bytes of message bodies a consumer channel may hold at once: `broker.prefetch × maxBytes` must
   * not exceed it (start-up fails otherwise). A parsed payload takes up to about three times its
   * body on the heap, so keep it below a third of the heap you give the service. Default 64 MiB.
   */
  inFlightBudgetBytes?: number;
  /** Signed messages; off unless given. */
  signing?: TxMsgSigningOptions;
}

/**
 * HMAC-SHA256 signatures on every message the library publishes, verified by every
 * `@Idempotent` consumer. An unsigned message, one signed with a key not in `keys`, one whose
 * routing key, id, time or body was altered, or one older than `maxAgeMs` is parked as `FORGED`
 * without running the handler. Rotation: add the new key to `keys` of every service, then switch
 * `keyId` to it, then remove the old key once no message signed with it can still arrive.
 */
export interface TxMsgSigningOptions {
  /** The key this service signs with; must be one of `keys`. */
  keyId: string;
  /**
   * Every key whose signature this service accepts, by key id: its own and those of the
   * producers it consumes from. Secrets of at least 32 characters.
   */
  keys: Record<string, string>;
  /**
   * A message written longer ago than this is refused as stale (a replay whose dedup row may have
   * been purged). Default `housekeeping.retentionMs`; must not exceed it.
   */
  maxAgeMs?: number;
}

/** Best-effort HTTP notification: signed webhooks retried on a ladder. */
export interface TxMsgNotifyOptions {
  /**
   * HMAC key for the receivers of `allowedOrigins`. A `whsec_`-prefixed key is read as Standard
   * Webhooks libraries read it (base64 after the prefix); any other is used as written.
   */
  secret?: string;
  /** HMAC keys by receiver origin (`https://merchant.example:8443`); each origin is thereby allowed. */
  secrets?: Record<string, string>;
  /**
   * Origins (`https://merchant.example:8443`) notifications may be sent to, signed with `secret`.
   * A URL whose origin is neither here nor a key of `secrets` is refused. The notifier connects
   * to public addresses only: an allowed name that resolves to a loopback, private, link-local or
   * otherwise internal address is refused at each connection; to reach such a receiver, list its
   * IP literal (`http://10.0.0.7:8080`), which allows exactly that address. Default none.
   */
  allowedOrigins?: string[];
  /** Delays between attempts, in ms. Default: `retry.ladderMs`. */
  ladderMs?: number[];
  /**
   * An attempt that has no answer within this time failed. Default 5000 ms. Due notifications are
   * leased for twice this plus 10 s while their attempt runs.
   */
  timeoutMs?: number;
  /** How often due notifications are looked for. Default 1000 ms. */
  scanIntervalMs?: number;
}

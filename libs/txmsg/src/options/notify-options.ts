import type { NotifyRetryPolicy } from '../notify/receiver-retry-policy';

/** Best-effort HTTP notification: signed webhooks retried on a ladder. */
export interface TxMsgNotifyOptions {
  /**
   * The receivers notifications may be sent to, each with its own HMAC key. A key of the map is
   * an origin (`https://merchant.example:8443`), optionally followed by a path prefix
   * (`https://merchant.example/hooks/`): only URLs under it are allowed, compared after WHATWG
   * normalisation, so `/hooks/../admin` is not under `/hooks/`. A URL covered by no receiver is
   * refused; of several receivers covering one, the longest prefix signs it. Two receivers may not
   * share a key, or either could forge webhooks to the other.
   *
   * A key (the map's value) that starts with `whsec_` is read as Standard Webhooks libraries read
   * it (base64 after the prefix); any other is used as written.
   *
   * The notifier connects to public addresses only: a listed name that resolves to a loopback,
   * private, link-local or otherwise internal address is refused at each connection; to reach
   * such a receiver, list its IP literal (`http://10.0.0.7:8080/hooks/`), which allows exactly
   * that address. Default none.
   */
  secrets?: Record<string, string>;
  /**
   * @deprecated Refused at start-up: one key for every receiver of `allowedOrigins` lets any of
   * them forge webhooks to the others. Give each receiver its own key in `secrets`.
   */
  secret?: string;
  /**
   * @deprecated Refused at start-up, with `secret`: list each receiver in `secrets`, with its own key.
   */
  allowedOrigins?: string[];
  /** Delays between attempts, in ms. Default: `retry.ladderMs`. */
  ladderMs?: number[];
  /**
   * A receiver's own retries, keyed as `secrets` is (each key must name a receiver listed there):
   * its ladder, attempts, jitter, and which failed attempts are retried (`retryOn`; others end the
   * notification FAILED at once). A receiver without one follows `ladderMs`. Default none.
   */
  retryPolicies?: Record<string, NotifyRetryPolicy>;
  /**
   * An attempt that has no answer within this time failed. Default 5000 ms. Due notifications are
   * leased for twice this plus 10 s while their attempt runs. Each receiver origin has at most 8
   * attempts in flight, so a slow receiver delays only its own notifications.
   */
  timeoutMs?: number;
  /** How often due notifications are looked for. Default 1000 ms. */
  scanIntervalMs?: number;
}

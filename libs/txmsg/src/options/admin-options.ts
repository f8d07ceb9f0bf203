/** The library's admin API (see {@link AdminTokenGuard}). */
export interface TxMsgAdminOptions {
  /** Bearer token of the admin API; without it every call is refused with 401. */
  token?: string;
  /**
   * Where the admin API is mounted: `GET /<path>/parked`, `/<path>/outbox`… Default `txmsg`.
   * Move it when the application has routes of its own there.
   */
  path?: string;
}

/** The library's admin API under `/txmsg` (see {@link AdminTokenGuard}). */
export interface TxMsgAdminOptions {
  /** Bearer token of the admin API; without it every call is refused. */
  token?: string;
}

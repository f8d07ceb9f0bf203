/** The operator console: HTML pages over the outbox and the failed messages (see {@link TxMsgShapeOptions.console}). */
export interface TxMsgConsoleOptions {
  /**
   * Where the console is mounted: `GET /<path>` (overview), `/<path>/failures`, `/<path>/login`.
   * Default `<admin.path>/console` (`txmsg/console`).
   */
  path?: string;
}

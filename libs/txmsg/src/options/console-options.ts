/** The operator console: HTML pages over the outbox and the failed messages (see {@link TxMsgShapeOptions.console}). */
export interface TxMsgConsoleOptions {
  /**
   * Where the console is mounted: `GET /<path>` (overview), `/<path>/failures`, `/<path>/login`.
   * Default `<admin.path>/console` (`txmsg/console`).
   */
  path?: string;
  /**
   * How often the overview samples this instance's consumer counters and the database's
   * backlogs for its rates and graphs, which show the last 240 samples (an hour at the default).
   * Default 15 000 ms.
   */
  sampleIntervalMs?: number;
}

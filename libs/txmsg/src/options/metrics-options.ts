/** The library's own Prometheus endpoint. */
export interface TxMsgMetricsOptions {
  /** Path of the endpoint. Default `metrics`. */
  path?: string;
  /**
   * Bearer token a scrape must send (`Authorization: Bearer <token>`, compared in constant time);
   * any other request is answered 401. Default none: the endpoint is open to whoever reaches it.
   */
  token?: string;
  /**
   * The gauges read from the database (backlogs, ages, parked messages) are read at most once
   * per this interval, and every scrape in between, however many at once, is served that read:
   * scraping cannot add load to the database. Default 5000 ms. A host that leaves `metrics` off
   * and serves the registry itself gets the default.
   */
  readIntervalMs?: number;
}

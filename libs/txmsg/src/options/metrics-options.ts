/** The library's own Prometheus endpoint. */
export interface TxMsgMetricsOptions {
  /** Path of the endpoint. Default `metrics`. */
  path?: string;
}

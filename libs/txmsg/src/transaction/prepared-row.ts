/** A half message leased for a check, with this check already counted. */
export interface PreparedRow {
  id: string;
  message_id: string;
  routing_key: string;
  payload: string;
  tx_group: string;
  check_count: number;
  /** The W3C trace fields (JSON) of the transaction that wrote it, or null. */
  trace_context?: string | null;
}

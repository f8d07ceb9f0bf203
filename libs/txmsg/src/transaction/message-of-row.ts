import type { PreparedRow } from './prepared-row';
import type { TransactionMessage } from './transaction-message';

/** The message a listener's `check()` is given for a half message read from the outbox. */
export function messageOfRow(row: PreparedRow): TransactionMessage {
  return {
    id: row.message_id,
    destination: row.routing_key,
    payload: JSON.parse(row.payload),
    group: row.tx_group,
    checkCount: row.check_count,
  };
}

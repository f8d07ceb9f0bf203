import { CancelTransferHandler } from './cancel-transfer/cancel-transfer.handler';
import { CompleteTransferHandler } from './complete-transfer/complete-transfer.handler';
import { RefundTransferHandler } from './refund-transfer/refund-transfer.handler';
import { ScheduleTransferHandler } from './schedule-transfer/schedule-transfer.handler';
import { StartTransferHandler } from './start-transfer/start-transfer.handler';
import { StartTransferTxListener } from './start-transfer/start-transfer.tx-listener';
import { TransferLedger } from './transfer-ledger';

export const CommandHandlers = [
  StartTransferHandler,
  ScheduleTransferHandler,
  CancelTransferHandler,
  CompleteTransferHandler,
  RefundTransferHandler,
];
export const TransactionListeners = [StartTransferTxListener];
/** What the handlers and the transaction listener share. */
export const CommandServices = [TransferLedger];

import { CompleteTransferHandler } from './complete-transfer/complete-transfer.handler';
import { RefundTransferHandler } from './refund-transfer/refund-transfer.handler';
import { StartTransferHandler } from './start-transfer/start-transfer.handler';
import { StartTransferTxListener } from './start-transfer/start-transfer.tx-listener';

export const CommandHandlers = [StartTransferHandler, CompleteTransferHandler, RefundTransferHandler];
export const TransactionListeners = [StartTransferTxListener];

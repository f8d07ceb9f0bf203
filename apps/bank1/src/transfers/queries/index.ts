import { GetTransferHandler } from './get-transfer/get-transfer.handler';

export const QueryHandlers = [GetTransferHandler];

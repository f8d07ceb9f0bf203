import { Command } from '@nestjs/cqrs';

/** What cancelling a scheduled transfer answers. */
export interface TransferCancelled {
  txNo: string;
  status: 'CANCELLED';
}

/** Cancel a scheduled transfer not yet sent: PENDING → CANCELLED and the debit given back. */
export class CancelTransferCommand extends Command<TransferCancelled> {
  constructor(readonly txNo: string) {
    super();
  }
}

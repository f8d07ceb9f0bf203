import { Command } from '@nestjs/cqrs';
import type { TransferAccepted } from '../start-transfer/start-transfer.command';

/**
 * Debit `fromAccountNo` now and send the transfer to bank2 at `executeAt` (an ISO 8601 time
 * with its offset, as received), atomically: the money is set aside at once, and the transfer
 * can be cancelled (the debit given back) until it is sent. With an `idempotencyKey`, a repeat of
 * the same request answers the first result and moves no money.
 */
export class ScheduleTransferCommand extends Command<TransferAccepted> {
  constructor(
    readonly fromAccountNo: string,
    readonly toAccountNo: string,
    readonly amount: string | number,
    readonly executeAt: string,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

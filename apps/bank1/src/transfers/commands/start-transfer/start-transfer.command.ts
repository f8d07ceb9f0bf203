import { Command } from '@nestjs/cqrs';

/** What `POST /transfers` answers: the transfer number, accepted and not yet credited. */
export interface TransferAccepted {
  txNo: string;
  status: 'PENDING';
}

/**
 * Debit `fromAccountNo` and send the transfer to bank2, atomically. `amount` is the
 * JSON value as received (validated by the DTO, parsed again by the handler). With an
 * `idempotencyKey`, a repeat of the same request answers the first result and moves no money.
 */
export class StartTransferCommand extends Command<TransferAccepted> {
  constructor(
    readonly fromAccountNo: string,
    readonly toAccountNo: string,
    readonly amount: string | number,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

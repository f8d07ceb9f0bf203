import { Command } from '@nestjs/cqrs';

/** What applying a transfer did: credited it, rejected it, or found it applied already. */
export type CreditOutcome = 'CREDITED' | 'REJECTED' | 'ALREADY_APPLIED';

/** Credit `toAccountNo` with a transfer from bank1, or reject it if bank2 holds no such account. */
export class CreditTransferCommand extends Command<CreditOutcome> {
  constructor(
    readonly txNo: string,
    readonly fromAccountNo: string,
    readonly toAccountNo: string,
    /** Decimal string with at most 2 fraction digits, already validated. */
    readonly amount: string,
  ) {
    super();
  }
}

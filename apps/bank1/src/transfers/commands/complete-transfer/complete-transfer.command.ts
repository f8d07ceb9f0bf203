import { Command } from '@nestjs/cqrs';
import type { SettleOutcome } from '../settle-outcome';

/** bank2 credited the transfer: PENDING → COMPLETED (a no-op for any other status). */
export class CompleteTransferCommand extends Command<SettleOutcome> {
  constructor(readonly txNo: string) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import type { SettleOutcome } from '../settle-outcome';

/** bank2 rejected the transfer: PENDING → REFUNDED and the source account credited back, once. */
export class RefundTransferCommand extends Command<SettleOutcome> {
  constructor(readonly txNo: string) {
    super();
  }
}

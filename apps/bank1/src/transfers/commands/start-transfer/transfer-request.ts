import { formatAmount, parseAmount } from '@app/common';
import { BadRequestException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { StartTransferCommand } from './start-transfer.command';

/** A transfer request, checked and normalised. Pure. */
export interface TransferRequest {
  fromAccountNo: string;
  toAccountNo: string;
  /** Two fraction digits, e.g. `"100.00"`: how the amount is stored and sent. */
  amount: string;
  /**
   * SHA-256 of the normalised request: `"100"` and `"100.00"` are the same request, so a
   * client that repeats it under the same Idempotency-Key gets the first result.
   */
  hash: string;
}

/**
 * Checks what the DTO cannot (a transfer to the same account) and normalises the amount.
 * @throws BadRequestException for an invalid amount or a transfer to the source account itself.
 */
export function toTransferRequest({
  fromAccountNo,
  toAccountNo,
  amount,
}: Pick<StartTransferCommand, 'fromAccountNo' | 'toAccountNo' | 'amount'>): TransferRequest {
  const parsed = parseAmount(amount);
  if ('error' in parsed) throw new BadRequestException(`amount ${parsed.error}`);
  if (fromAccountNo === toAccountNo) {
    throw new BadRequestException('toAccountNo must differ from fromAccountNo');
  }
  const normalised = formatAmount(parsed.amount);
  const hash = createHash('sha256')
    .update(JSON.stringify([fromAccountNo, toAccountNo, normalised]))
    .digest('hex');
  return { fromAccountNo, toAccountNo, amount: normalised, hash };
}

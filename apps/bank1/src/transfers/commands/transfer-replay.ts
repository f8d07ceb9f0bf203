import { UnprocessableEntityException } from '@nestjs/common';
import type { Repository } from 'typeorm';
import type { IdempotencyKey } from '../entities/idempotency-key.entity';
import type { TransferAccepted } from './start-transfer/start-transfer.command';

/**
 * The first result of an earlier request with Idempotency-Key `key`, or undefined when there was
 * none; 422 if that request was a different one (`requestHash` differs).
 */
export async function replayTransfer(
  keys: Repository<IdempotencyKey>,
  key: string,
  requestHash: string,
): Promise<TransferAccepted | undefined> {
  const earlier = await keys.findOneBy({ key });
  if (!earlier) return undefined;
  if (earlier.requestHash !== requestHash) {
    throw new UnprocessableEntityException('Idempotency-Key was already used with a different request');
  }
  return { txNo: earlier.txNo, status: 'PENDING' };
}

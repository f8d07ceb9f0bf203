import { Query } from '@nestjs/cqrs';
import type { TransferStatus } from '../../entities/transfer.entity';

/** A transfer as the API shows it; the amount is a decimal string such as `"100.00"`. */
export interface TransferView {
  txNo: string;
  fromAccountNo: string;
  toAccountNo: string;
  amount: string;
  status: TransferStatus;
}

/** Reads one transfer; answers 404 when there is none with that number. */
export class GetTransferQuery extends Query<TransferView> {
  constructor(readonly txNo: string) {
    super();
  }
}

import { decimalTransformer } from '@app/common';
import Decimal from 'decimal.js';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** CREDITED to a bank2 account, or REJECTED because bank2 holds no such account. */
export type IncomingTransferStatus = 'CREDITED' | 'REJECTED';

/** A transfer from bank1 as bank2 applied it, written in the same transaction as the credit. */
@Entity({ name: 'incoming_transfer' })
export class IncomingTransfer {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'tx_no', type: 'varchar', length: 36, unique: true })
  txNo: string;

  @Column({ name: 'from_account_no', type: 'varchar', length: 20 })
  fromAccountNo: string;

  @Column({ name: 'to_account_no', type: 'varchar', length: 20 })
  toAccountNo: string;

  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalTransformer })
  amount: Decimal;

  @Column({ type: 'varchar', length: 16 })
  status: IncomingTransferStatus;

  @Column({ name: 'processed_at', type: Date, precision: 3, insert: false, update: false })
  processedAt: Date;
}

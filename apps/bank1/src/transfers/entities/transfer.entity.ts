import { decimalTransformer } from '@app/common';
import Decimal from 'decimal.js';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * Where a transfer stands: PENDING until bank2 credits it (COMPLETED) or rejects it (REFUNDED); a
 * scheduled transfer cancelled before it was sent is CANCELLED.
 */
export type TransferStatus = 'PENDING' | 'COMPLETED' | 'REFUNDED' | 'CANCELLED';

/** A transfer bank1 started; written in the same transaction as the debit of its source account. */
@Entity({ name: 'transfer' })
export class Transfer {
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
  status: TransferStatus;

  @CreateDateColumn({ name: 'created_at', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', precision: 3 })
  updatedAt: Date;
}

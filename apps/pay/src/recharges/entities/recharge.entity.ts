import { decimalTransformer } from '@app/common';
import Decimal from 'decimal.js';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RechargeResult } from '../recharge-record';

/** One recharge pay performed. Written once; only its list position is filled in later. */
@Entity({ name: 'recharge' })
export class Recharge {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'tx_no', type: 'varchar', length: 64, unique: true })
  txNo: string;

  @Column({ name: 'account_no', type: 'varchar', length: 20 })
  accountNo: string;

  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalTransformer })
  amount: Decimal;

  @Column({ type: 'varchar', length: 16 })
  result: RechargeResult;

  @Column({ name: 'notify_url', type: 'varchar', length: 2048, nullable: true })
  notifyUrl: string | null;

  /** Where the result stands in the list receivers page through; null until the sequencer saw it committed. */
  @Column({ name: 'commit_position', type: 'bigint', unsigned: true, nullable: true })
  commitPosition: string | null;

  @CreateDateColumn({ name: 'created_at', precision: 3 })
  createdAt: Date;
}

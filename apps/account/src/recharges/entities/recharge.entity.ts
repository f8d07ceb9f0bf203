import { decimalTransformer } from '@app/common';
import Decimal from 'decimal.js';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AppliedBy, RechargeStatus } from '../domain/recharge-state';

/**
 * A recharge of an account: one account asked pay to perform (PENDING until pay's result is
 * applied), or one the user made at pay, recorded final from pay's result.
 */
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

  @Column({ type: 'varchar', length: 16, default: 'PENDING' })
  status: RechargeStatus;

  @Column({ name: 'applied_by', type: 'varchar', length: 16, nullable: true })
  appliedBy: AppliedBy | null;

  /** The client's Idempotency-Key: the same key again answers this recharge. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 64, nullable: true, unique: true })
  idempotencyKey: string | null;

  @CreateDateColumn({ name: 'created_at', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', precision: 3 })
  updatedAt: Date;

  /** `Date`: each engine's own timestamp type (DATETIME on MariaDB/MySQL, timestamp on PostgreSQL). */
  @Column({ name: 'submitted_at', type: Date, precision: 3, nullable: true })
  submittedAt: Date | null;

  @Column({ name: 'checked_at', type: Date, precision: 3, nullable: true })
  checkedAt: Date | null;

  @Column({ name: 'applied_at', type: Date, precision: 3, nullable: true })
  appliedAt: Date | null;
}

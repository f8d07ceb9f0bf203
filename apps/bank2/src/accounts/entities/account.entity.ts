import { decimalTransformer } from '@app/common';
import Decimal from 'decimal.js';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** One account and its balance (table `account_info`). */
@Entity({ name: 'account_info' })
export class Account {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'account_no', type: 'varchar', length: 20, unique: true })
  accountNo: string;

  @Column({ name: 'account_name', type: 'varchar', length: 100 })
  accountName: string;

  @Column({ name: 'account_password', type: 'varchar', length: 100, nullable: true, select: false })
  accountPassword: string | null;

  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalTransformer })
  balance: Decimal;

  @CreateDateColumn({ name: 'created_at', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', precision: 3 })
  updatedAt: Date;
}

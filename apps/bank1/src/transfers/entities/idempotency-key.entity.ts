import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An `Idempotency-Key` of an accepted transfer: the request it was first used with, and the transfer. */
@Entity({ name: 'idempotency_key' })
export class IdempotencyKey {
  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 128 })
  key: string;

  /** SHA-256 of the normalised request (see `TransferRequest.hash`). */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash: string;

  @Column({ name: 'tx_no', type: 'varchar', length: 36 })
  txNo: string;

  @CreateDateColumn({ name: 'created_at', precision: 3 })
  createdAt: Date;
}

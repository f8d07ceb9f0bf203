import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A signed webhook account accepted, by its `webhook-id`: the same id again is a replay. */
@Entity({ name: 'webhook_receipt' })
export class WebhookReceipt {
  @PrimaryColumn({ name: 'webhook_id', type: 'varchar', length: 64 })
  webhookId: string;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  /** The txNo the webhook was about. */
  @Column({ type: 'varchar', length: 64 })
  subject: string;

  @CreateDateColumn({ name: 'received_at', precision: 3 })
  receivedAt: Date;
}

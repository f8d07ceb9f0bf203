import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';

/** The invoices of placed orders. */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  /**
   * Writes an invoice for the order, in the caller's transaction. It does not look for one
   * written before: applying each order once is its consumer's job.
   */
  async create(orderId: string, sku: string, quantity: number): Promise<void> {
    await this.txHost.tx.query(
      'INSERT INTO invoices (order_id, sku, quantity) VALUES (?, ?, ?)',
      [orderId, sku, quantity],
    );
  }
}

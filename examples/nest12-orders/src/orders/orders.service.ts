import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ConflictException, Injectable } from '@nestjs/common';
import { Outbox } from '@txmsg/nestjs';
import { randomUUID } from 'node:crypto';
import { OrderPlaced } from './order-placed.event.js';

/**
 * Places orders: the order, its OrderPlaced message and the stock it takes commit together, or
 * nothing of them does.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Saves the order with its message, then takes the stock. Without enough stock it throws
   * ConflictException, and the rollback takes the order and its message back with it.
   */
  @Transactional()
  async place(sku: string, quantity: number): Promise<string> {
    const orderId = randomUUID();
    await this.txHost.tx.query(
      'INSERT INTO orders (id, sku, quantity) VALUES (?, ?, ?)',
      [orderId, sku, quantity],
    );
    await this.outbox.publish(new OrderPlaced(orderId, sku, quantity));
    const { affected } = await this.txHost.tx
      .createQueryBuilder()
      .update('stock')
      .set({ available: () => 'available - :quantity' })
      .where('sku = :sku AND available >= :quantity', { sku, quantity })
      .execute();
    if (affected !== 1) {
      throw new ConflictException(`not enough ${sku} in stock`);
    }
    return orderId;
  }
}

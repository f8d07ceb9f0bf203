import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { Outbox } from '@txmsg/nestjs';
import { randomUUID } from 'node:crypto';
import { OrderPlaced } from './order-placed.event';

@Injectable()
export class OrdersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Saves the order and its OrderPlaced message in one transaction: if the order commits the
   * message is sent (now, or by the relay after a crash); if it rolls back nothing is sent.
   */
  @Transactional()
  async place(sku: string, quantity: number): Promise<string> {
    const orderId = randomUUID();
    await this.txHost.tx.query('INSERT INTO orders (id, sku, quantity) VALUES (?, ?, ?)', [orderId, sku, quantity]);
    await this.outbox.publish(new OrderPlaced(orderId, sku, quantity));
    return orderId;
  }
}

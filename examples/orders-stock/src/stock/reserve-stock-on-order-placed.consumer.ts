import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { Idempotent } from '@txmsg/nestjs';
import { ORDER_PLACED, type OrderPlaced } from '../orders/order-placed.event';

export const RESERVE_STOCK_QUEUE = 'stock.reserve-on-order-placed';

/**
 * Reserves stock for each placed order, once per order id however often the message arrives:
 * the reservation and the library's dedup row commit in the same transaction. Without enough
 * stock it throws; the library retries the message on its ladder and then parks it.
 */
@Injectable()
export class ReserveStockOnOrderPlacedConsumer {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @RabbitSubscribe({ exchange: 'txmsg.events', routingKey: ORDER_PLACED, queue: RESERVE_STOCK_QUEUE })
  @Idempotent({ key: 'orderId' })
  async handle(order: OrderPlaced): Promise<void> {
    const { affected } = await this.txHost.tx
      .createQueryBuilder()
      .update('stock')
      .set({ reserved: () => 'reserved + :quantity' })
      .where('sku = :sku AND on_hand - reserved >= :quantity', { sku: order.sku, quantity: order.quantity })
      .execute();
    if (affected !== 1) throw new Error(`not enough ${order.sku} in stock for order ${order.orderId}`);
  }
}

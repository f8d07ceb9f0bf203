import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { Injectable } from '@nestjs/common';
import { Idempotent, UnrecoverableMessageError } from '@txmsg/nestjs';
import type { ConsumeMessage } from 'amqplib';
import { ORDER_EXPIRED, type OrderExpired } from '../orders/order-expired.event';
import { ORDER_PAID, type OrderPaid } from '../orders/order-paid.event';
import { ORDER_PLACED, type OrderPlaced } from '../orders/order-placed.event';
import { ORDER_SHIPPED, type OrderShipped } from '../orders/order-shipped.event';
import { StockReservations } from './stock-reservations.service';

export const RESERVE_STOCK_QUEUE = 'stock.reserve-on-order-events';

/**
 * Keeps an order's stock reservation in step with the order: reserved when it is placed,
 * committed when it is paid, out of stock when it ships, released when it expires unpaid.
 *
 * One consumer, one queue for all four events: the library keeps the order per consumer, so the
 * events of an order must reach the same one. `ordered` applies them in the order they committed
 * in the orders module, each once (the dedup key is the message id): a message that arrives before
 * its predecessor has been applied (its predecessor failing and on the retry ladder, say) is held
 * back until it has. Each step commits with its dedup row and its place in the order's stream.
 */
@Injectable()
export class ReserveStockOnOrderEventsConsumer {
  constructor(private readonly reservations: StockReservations) {}

  @RabbitSubscribe({
    exchange: 'txmsg.events',
    routingKey: [ORDER_PLACED, ORDER_PAID, ORDER_SHIPPED, ORDER_EXPIRED],
    queue: RESERVE_STOCK_QUEUE,
  })
  @Idempotent({ ordered: true })
  async handle(event: OrderPlaced | OrderPaid | OrderShipped | OrderExpired, message: ConsumeMessage): Promise<void> {
    // The type, not the routing key: a retried or held-back message comes back through the queue's own.
    switch (message.properties.type) {
      case ORDER_PLACED: {
        const { orderId, sku, quantity } = event as OrderPlaced;
        return this.reservations.reserve(orderId, sku, quantity);
      }
      case ORDER_PAID:
        return this.reservations.commit(event.orderId);
      case ORDER_SHIPPED:
        return this.reservations.ship(event.orderId);
      case ORDER_EXPIRED:
        return this.reservations.release(event.orderId);
      default:
        throw new UnrecoverableMessageError(`unexpected message type ${String(message.properties.type)}`);
    }
  }
}

import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Outbox } from '@txmsg/nestjs';
import { randomUUID } from 'node:crypto';
import { OrderExpired } from './order-expired.event';
import { OrderPaid } from './order-paid.event';
import { OrderPlaced } from './order-placed.event';
import { OrderShipped } from './order-shipped.event';
import { ORDERS_OPTIONS, type OrdersOptions } from './orders.options';
import { PaymentTimedOut } from './payment-timed-out.event';

export type OrderStatus = 'PLACED' | 'PAID' | 'SHIPPED' | 'EXPIRED';

/**
 * An order's lifecycle, one transaction per step: each changes the order and writes its message
 * in the outbox, so the message leaves only if the change committed. The order row is locked
 * first, so the steps of one order commit one after another, in the order of their messages.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersOptions,
  ) {}

  /** Saves the order with OrderPlaced, and its expiry: a message held in the outbox until the timeout. */
  @Transactional()
  async place(sku: string, quantity: number): Promise<string> {
    const orderId = randomUUID();
    const expiryId = await this.outbox.publish(new PaymentTimedOut(orderId), { delayMs: this.options.unpaidTimeoutMs });
    await this.txHost.tx.query('INSERT INTO orders (id, sku, quantity, expiry_message_id) VALUES (?, ?, ?, ?)', [
      orderId,
      sku,
      quantity,
      expiryId,
    ]);
    await this.outbox.publish(new OrderPlaced(orderId, sku, quantity));
    return orderId;
  }

  /**
   * Pays a placed order and cancels its expiry with it. The cancel finds nothing to cancel once
   * the timeout is due (its message may be on its way): the order is paid all the same, and the
   * expiry, which expires only an unpaid order, leaves it alone.
   */
  @Transactional()
  async pay(orderId: string): Promise<void> {
    const order = await this.lock(orderId, 'PLACED');
    await this.setStatus(orderId, 'PAID');
    if (order.expiry_message_id) await this.outbox.cancel(order.expiry_message_id);
    await this.outbox.publish(new OrderPaid(orderId));
  }

  /** Ships a paid order. */
  @Transactional()
  async ship(orderId: string): Promise<void> {
    await this.lock(orderId, 'PAID');
    await this.setStatus(orderId, 'SHIPPED');
    await this.outbox.publish(new OrderShipped(orderId));
  }

  /**
   * Expires the order if it is still unpaid; returns whether it did. Runs in the transaction of
   * the consumer of the expiry message, so OrderExpired commits with the consumer's dedup row.
   */
  @Transactional()
  async expire(orderId: string): Promise<boolean> {
    const [order] = await this.selectForUpdate(orderId);
    if (order?.status !== 'PLACED') return false;
    await this.setStatus(orderId, 'EXPIRED');
    await this.outbox.publish(new OrderExpired(orderId));
    return true;
  }

  /** Locks the order; it must be in status `expected`. */
  private async lock(orderId: string, expected: OrderStatus) {
    const [order] = await this.selectForUpdate(orderId);
    if (!order) throw new NotFoundException(`order ${orderId} not found`);
    if (order.status !== expected) {
      throw new ConflictException(`order ${orderId} is ${order.status.toLowerCase()}, not ${expected.toLowerCase()}`);
    }
    return order;
  }

  private selectForUpdate(orderId: string): Promise<Array<{ status: OrderStatus; expiry_message_id: string | null }>> {
    return this.txHost.tx.query('SELECT status, expiry_message_id FROM orders WHERE id = ? FOR UPDATE', [orderId]);
  }

  private async setStatus(orderId: string, status: OrderStatus): Promise<void> {
    await this.txHost.tx.query('UPDATE orders SET status = ? WHERE id = ?', [status, orderId]);
  }
}

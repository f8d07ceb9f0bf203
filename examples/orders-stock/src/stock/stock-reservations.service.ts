import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { UnrecoverableMessageError } from '@txmsg/nestjs';

export type ReservationStatus = 'RESERVED' | 'COMMITTED' | 'SHIPPED' | 'RELEASED';

/**
 * One reservation per order, moved through its steps. Every step is a conditional update from the
 * status it requires, in the caller's transaction, and is written to the stock_movements ledger.
 * A step from the wrong status is refused with UnrecoverableMessageError, parked at once: a retry
 * would not put it right, and the ordered consumer never asks for one out of turn.
 */
@Injectable()
export class StockReservations {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Reserves `quantity` of `sku`; without that much available it throws, and is retried. */
  async reserve(orderId: string, sku: string, quantity: number): Promise<void> {
    const { affected } = await this.txHost.tx
      .createQueryBuilder()
      .update('stock')
      .set({ reserved: () => 'reserved + :quantity' })
      .where('sku = :sku AND on_hand - reserved >= :quantity', { sku, quantity })
      .execute();
    if (affected !== 1) throw new Error(`not enough ${sku} in stock for order ${orderId}`);
    await this.txHost.tx.query(
      `INSERT INTO stock_reservations (order_id, sku, quantity, status) VALUES (?, ?, ?, 'RESERVED')`,
      [orderId, sku, quantity],
    );
    await this.record(orderId, 'RESERVED');
  }

  /** The order was paid: its reservation is kept until it ships. */
  async commit(orderId: string): Promise<void> {
    await this.move(orderId, 'RESERVED', 'COMMITTED');
  }

  /** The goods leave: out of the stock on hand and of the reservation. */
  async ship(orderId: string): Promise<void> {
    await this.move(
      orderId,
      'COMMITTED',
      'SHIPPED',
      's.on_hand = s.on_hand - r.quantity, s.reserved = s.reserved - r.quantity',
    );
  }

  /** The order expired unpaid: the reserved stock is available again. */
  async release(orderId: string): Promise<void> {
    await this.move(orderId, 'RESERVED', 'RELEASED', 's.reserved = s.reserved - r.quantity');
  }

  /** Moves the reservation from `from` to `to`, changing its stock row with `stockChange` (s: stock, r: reservation). */
  private async move(
    orderId: string,
    from: ReservationStatus,
    to: ReservationStatus,
    stockChange?: string,
  ): Promise<void> {
    const [reservation] = await this.txHost.tx.query(
      'SELECT status FROM stock_reservations WHERE order_id = ? FOR UPDATE',
      [orderId],
    );
    if (reservation?.status !== from) {
      throw new UnrecoverableMessageError(
        `order ${orderId}: cannot go to ${to} from ${reservation?.status ?? 'no reservation'}, only from ${from}`,
      );
    }
    if (stockChange) {
      await this.txHost.tx.query(
        `UPDATE stock s JOIN stock_reservations r ON r.sku = s.sku SET ${stockChange} WHERE r.order_id = ?`,
        [orderId],
      );
    }
    await this.txHost.tx.query('UPDATE stock_reservations SET status = ? WHERE order_id = ?', [to, orderId]);
    await this.record(orderId, to);
  }

  private async record(orderId: string, movement: ReservationStatus): Promise<void> {
    await this.txHost.tx.query('INSERT INTO stock_movements (order_id, movement) VALUES (?, ?)', [orderId, movement]);
  }
}

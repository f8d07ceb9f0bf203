import { IntegrationEvent } from '@txmsg/nestjs';

export const ORDER_PLACED = 'orders.order.placed';

/**
 * An order was committed: the first message of the order's stream. Every event of an order
 * carries its id as ordering key, so an ordered consumer applies them in the order they committed.
 */
@IntegrationEvent(ORDER_PLACED, { orderingKey: 'orderId' })
export class OrderPlaced {
  constructor(
    readonly orderId: string,
    readonly sku: string,
    readonly quantity: number,
  ) {}
}

import { IntegrationEvent } from '@txmsg/nestjs';

export const ORDER_PLACED = 'orders.order.placed';

/** An order was committed: the payload of the message stock consumes. */
@IntegrationEvent(ORDER_PLACED)
export class OrderPlaced {
  constructor(
    readonly orderId: string,
    readonly sku: string,
    readonly quantity: number,
  ) {}
}

import { IntegrationEvent } from '@txmsg/nestjs';

export const ORDER_PAID = 'orders.order.paid';

/** A placed order was paid before it expired. */
@IntegrationEvent(ORDER_PAID, { orderingKey: 'orderId' })
export class OrderPaid {
  constructor(readonly orderId: string) {}
}

import { IntegrationEvent } from '@txmsg/nestjs';

export const ORDER_SHIPPED = 'orders.order.shipped';

/** A paid order left the warehouse. */
@IntegrationEvent(ORDER_SHIPPED, { orderingKey: 'orderId' })
export class OrderShipped {
  constructor(readonly orderId: string) {}
}

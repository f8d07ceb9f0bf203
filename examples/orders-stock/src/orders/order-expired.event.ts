import { IntegrationEvent } from '@txmsg/nestjs';

export const ORDER_EXPIRED = 'orders.order.expired';

/** A placed order was still unpaid when its payment timed out: it will never be paid or shipped. */
@IntegrationEvent(ORDER_EXPIRED, { orderingKey: 'orderId' })
export class OrderExpired {
  constructor(readonly orderId: string) {}
}

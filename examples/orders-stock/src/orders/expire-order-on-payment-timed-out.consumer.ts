import { Injectable, Logger } from '@nestjs/common';
import { OnIntegrationEvent } from '@txmsg/nestjs';
import { OrdersService } from './orders.service';
import { PaymentTimedOut } from './payment-timed-out.event';

export const EXPIRE_ORDER_QUEUE = 'orders.expire-on-payment-timed-out';

/**
 * Expires an order whose payment timed out, once per order. Paying cancels the timeout, but a
 * payment that comes just as it falls due is too late to cancel it: the order is then paid, and
 * this leaves it alone.
 */
@Injectable()
export class ExpireOrderOnPaymentTimedOutConsumer {
  private readonly logger = new Logger(ExpireOrderOnPaymentTimedOutConsumer.name);

  constructor(private readonly orders: OrdersService) {}

  @OnIntegrationEvent(PaymentTimedOut, { queue: EXPIRE_ORDER_QUEUE, key: 'orderId' })
  async handle(event: PaymentTimedOut): Promise<void> {
    if (!(await this.orders.expire(event.orderId))) {
      this.logger.log(`order ${event.orderId} was no longer awaiting payment when its timeout came; left as it is`);
    }
  }
}

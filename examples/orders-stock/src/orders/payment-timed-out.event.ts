import { IntegrationEvent } from '@txmsg/nestjs';

export const PAYMENT_TIMED_OUT = 'orders.payment.timed-out';

/**
 * The unpaid timeout of an order ran out: written with the order as a delayed message, cancelled
 * when the order is paid. It has no ordering key (a delayed message cannot: it would overtake, or
 * hold back, the order's stream); its consumer turns it into an OrderExpired in the stream.
 */
@IntegrationEvent(PAYMENT_TIMED_OUT)
export class PaymentTimedOut {
  constructor(readonly orderId: string) {}
}

import { Injectable } from '@nestjs/common';
import { OnIntegrationEvent } from '@txmsg/nestjs';
import { OrderPlaced } from '../orders/order-placed.event.js';
import { InvoicesService } from './invoices.service.js';

export const CREATE_INVOICE_QUEUE = 'invoices.create-on-order-placed';

/**
 * Invoices every placed order once. The invoice commits with the dedup row of the order's id, so
 * a message that arrives twice (a replay, a redelivery after a crash) is acknowledged without a
 * second invoice; a throw rolls both back, and the message comes again on the retry ladder.
 */
@Injectable()
export class CreateInvoiceOnOrderPlacedConsumer {
  constructor(private readonly invoices: InvoicesService) {}

  @OnIntegrationEvent(OrderPlaced, {
    queue: CREATE_INVOICE_QUEUE,
    key: 'orderId',
  })
  async handle(event: OrderPlaced): Promise<void> {
    // `event` is an OrderPlaced, checked by its own validators: an invalid message never gets
    // here, it is parked at once. A second parameter, `ctx: MessageContext`, would give the
    // message id, the attempt, headers and trace id.
    await this.invoices.create(event.orderId, event.sku, event.quantity);
  }
}

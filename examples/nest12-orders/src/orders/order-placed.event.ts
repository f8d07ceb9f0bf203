import { IntegrationEvent } from '@txmsg/nestjs';
import { IsInt, IsString, IsUUID, Min } from 'class-validator';

export const ORDER_PLACED = 'orders.order.placed';

/**
 * An order was committed. The same class is the message's payload on both sides: the producer
 * publishes an instance, and the consumer validates what arrives into one.
 */
@IntegrationEvent(ORDER_PLACED)
export class OrderPlaced {
  @IsUUID()
  readonly orderId: string;

  @IsString()
  readonly sku: string;

  @IsInt()
  @Min(1)
  readonly quantity: number;

  constructor(orderId: string, sku: string, quantity: number) {
    this.orderId = orderId;
    this.sku = sku;
    this.quantity = quantity;
  }
}

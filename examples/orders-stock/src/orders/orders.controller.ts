import { BadRequestException, Body, Controller, Post } from '@nestjs/common';
import { OrdersService } from './orders.service';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  async place(@Body() body: { sku?: unknown; quantity?: unknown }): Promise<{ orderId: string }> {
    const { sku, quantity } = body ?? {};
    if (typeof sku !== 'string' || !/^[\w-]{1,64}$/.test(sku))
      throw new BadRequestException('sku: 1-64 word characters');
    if (!Number.isInteger(quantity) || (quantity as number) < 1)
      throw new BadRequestException('quantity: a positive integer');
    return { orderId: await this.orders.place(sku, quantity as number) };
  }
}

import { BadRequestException, Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
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

  /** 404 for an unknown order, 409 unless it is placed (not paid yet, not expired). */
  @Post(':id/pay')
  @HttpCode(200)
  async pay(@Param('id', ParseUUIDPipe) orderId: string): Promise<{ orderId: string; status: 'PAID' }> {
    await this.orders.pay(orderId);
    return { orderId, status: 'PAID' };
  }

  /** 404 for an unknown order, 409 unless it is paid. */
  @Post(':id/ship')
  @HttpCode(200)
  async ship(@Param('id', ParseUUIDPipe) orderId: string): Promise<{ orderId: string; status: 'SHIPPED' }> {
    await this.orders.ship(orderId);
    return { orderId, status: 'SHIPPED' };
  }
}

import { Body, Controller, Post } from '@nestjs/common';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { OrdersService } from './orders.service.js';

export class PlaceOrderRequest {
  @IsString()
  @Length(1, 64)
  sku: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  quantity: number;
}

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** 201 with the new order's id; 409 when the stock does not cover it. */
  @Post()
  async place(
    @Body() { sku, quantity }: PlaceOrderRequest,
  ): Promise<{ orderId: string }> {
    return { orderId: await this.orders.place(sku, quantity) };
  }
}

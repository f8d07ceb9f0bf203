import { type DynamicModule, Module } from '@nestjs/common';
import { ExpireOrderOnPaymentTimedOutConsumer } from './expire-order-on-payment-timed-out.consumer';
import { OrdersController } from './orders.controller';
import { ORDERS_OPTIONS, type OrdersOptions } from './orders.options';
import { OrdersService } from './orders.service';

@Module({})
export class OrdersModule {
  static register(options: OrdersOptions): DynamicModule {
    return {
      module: OrdersModule,
      controllers: [OrdersController],
      providers: [OrdersService, ExpireOrderOnPaymentTimedOutConsumer, { provide: ORDERS_OPTIONS, useValue: options }],
    };
  }
}

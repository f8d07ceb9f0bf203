import { Module } from '@nestjs/common';
import { ReserveStockOnOrderPlacedConsumer } from './reserve-stock-on-order-placed.consumer';

@Module({ providers: [ReserveStockOnOrderPlacedConsumer] })
export class StockModule {}

import { Module } from '@nestjs/common';
import { ReserveStockOnOrderEventsConsumer } from './reserve-stock-on-order-events.consumer';
import { StockReservations } from './stock-reservations.service';

@Module({ providers: [ReserveStockOnOrderEventsConsumer, StockReservations] })
export class StockModule {}

import { Module } from '@nestjs/common';
import { CreateInvoiceOnOrderPlacedConsumer } from './create-invoice-on-order-placed.consumer.js';
import { InvoicesService } from './invoices.service.js';

@Module({
  providers: [InvoicesService, CreateInvoiceOnOrderPlacedConsumer],
})
export class InvoicesModule {}

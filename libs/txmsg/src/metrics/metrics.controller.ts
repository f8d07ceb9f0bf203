import { Controller, Get, Header } from '@nestjs/common';
import { TxMsgMetrics } from './txmsg-metrics';

/** `GET /metrics` in the Prometheus text format: the library's metrics and the process's. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: TxMsgMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

import { Controller, Get, Header, type Type } from '@nestjs/common';
import { apiDoc } from '../support/api-docs';
import { TxMsgMetrics } from './txmsg-metrics';

/**
 * A controller serving, at `GET /<path>` in the Prometheus text format, the library's metrics
 * and the process's. Built per application because the path is an option.
 */
export function metricsControllerAt(path: string): Type {
  @Controller(path)
  @apiDoc('ApiTags', 'metrics')
  class MetricsController {
    constructor(private readonly metrics: TxMsgMetrics) {}

    @Get()
    @apiDoc('ApiProduces', 'text/plain')
    @apiDoc('ApiOkResponse', { description: 'Prometheus text format.', schema: { type: 'string' } })
    @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
    scrape(): Promise<string> {
      return this.metrics.registry.metrics();
    }
  }
  return MetricsController;
}

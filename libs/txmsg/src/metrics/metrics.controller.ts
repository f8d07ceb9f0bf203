import { Controller, Get, Header, type Type, UseGuards } from '@nestjs/common';
import { apiDoc } from '../support/api-docs';
import { MetricsTokenGuard } from './metrics-token.guard';
import { TxMsgMetrics } from './txmsg-metrics';

/**
 * A controller serving, at `GET /<path>` in the Prometheus text format, the library's metrics
 * and the process's, behind the `metrics.token` when there is one. Built per application because
 * the path is an option.
 */
export function metricsControllerAt(path: string): Type {
  @Controller(path)
  @UseGuards(MetricsTokenGuard)
  @apiDoc('ApiTags', 'metrics')
  class MetricsController {
    constructor(private readonly metrics: TxMsgMetrics) {}

    @Get()
    @apiDoc('ApiProduces', 'text/plain')
    @apiDoc('ApiOkResponse', { description: 'Prometheus text format.', schema: { type: 'string' } })
    @apiDoc('ApiResponse', { status: 401, description: 'No or a wrong bearer token, when a metrics token is set.' })
    @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
    scrape(): Promise<string> {
      return this.metrics.registry.metrics();
    }
  }
  return MetricsController;
}

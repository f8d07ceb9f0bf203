import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { apiDoc } from '../support/api-docs';
import { MetricsTokenGuard } from './metrics-token.guard';
import { TxMsgMetrics } from './txmsg-metrics';

/**
 * Serves, in the Prometheus text format, the library's metrics and the process's, behind the
 * `metrics.token` when there is one. Each application mounts a copy at `GET /<metrics.path>`, or
 * none without the `metrics` option.
 */
@Controller()
@UseGuards(MetricsTokenGuard)
@apiDoc('ApiTags', 'metrics')
export class MetricsController {
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

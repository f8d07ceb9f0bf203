import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { BrokerHealthIndicator } from '@txmsg/nestjs';
import { ApiErrors } from '../startup/api-error';

/** `GET /health`: 200 when the database answers and the broker connection is open, else 503. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly broker: BrokerHealthIndicator,
  ) {}

  @Get()
  @ApiOkResponse({
    description: 'The database answers and the broker connection is open.',
    schema: {
      type: 'object',
      properties: { status: { type: 'string', example: 'ok' }, info: { type: 'object' }, details: { type: 'object' } },
    },
  })
  @ApiErrors(503)
  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 1500 }),
        () => this.broker.isHealthy('broker'),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw new ServiceUnavailableException({ message: `${down.join(' and ')} down`, details: result.details });
    }
  }
}

import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

/** Terminus indicator for the broker connection the library uses. */
@Injectable()
export class BrokerHealthIndicator {
  constructor(
    private readonly amqp: AmqpConnection,
    private readonly health: HealthIndicatorService,
  ) {}

  /** `up` while the library holds an open AMQP connection. */
  isHealthy(key = 'broker') {
    const indicator = this.health.check(key);
    return this.amqp.managedConnection?.isConnected() ? indicator.up() : indicator.down({ message: 'not connected' });
  }
}

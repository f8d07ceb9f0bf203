import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { Injectable, Module } from '@nestjs/common';
import { EXCHANGE } from './fixtures';

export const PLAIN_HAPPENED = 'test.plain.happened';
export const PLAIN_QUEUE = 'test.plain';

/** A plain `@RabbitSubscribe` handler, without `@Idempotent`, that fails for payloads that say so. */
@Injectable()
export class PlainConsumer {
  readonly handled: string[] = [];
  /** Once true, payloads that said to fail are handled too (the bug was fixed). */
  healed = false;

  @RabbitSubscribe({ exchange: EXCHANGE, routingKey: PLAIN_HAPPENED, queue: PLAIN_QUEUE })
  async onPlain(payload: { id: string; fail?: boolean }): Promise<void> {
    if (payload.fail && !this.healed) throw new Error(`plain handler failure for ${payload.id}`);
    this.handled.push(payload.id);
  }
}

@Module({ providers: [PlainConsumer] })
export class PlainConsumerModule {}

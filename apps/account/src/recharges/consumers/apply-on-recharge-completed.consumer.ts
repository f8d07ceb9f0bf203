import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { Idempotent, UnrecoverableMessageError, validateMessage } from '@app/txmsg';
import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApplyRechargeResultCommand } from '../commands/apply-recharge-result/apply-recharge-result.command';
import { PayRechargeResult } from '../domain/pay-recharge-result';

/**
 * Applies pay's result notifications from the broker (seed 6.2 scheme 1). Deduped on txNo: the
 * dedup row and the effect commit together. A failing apply climbs the retry ladder; an invalid
 * message, or one that contradicts account's record, is parked at once for an operator.
 */
@Injectable()
export class ApplyOnRechargeCompleted {
  private readonly logger = new Logger(ApplyOnRechargeCompleted.name);

  constructor(private readonly commandBus: CommandBus) {}

  @RabbitSubscribe({
    exchange: 'txmsg.events',
    routingKey: 'pay.recharge.completed',
    queue: 'account.apply-on-recharge-completed',
  })
  @Idempotent({ key: 'txNo' })
  async handle(payload: unknown): Promise<void> {
    const result = validateMessage(PayRechargeResult, payload);
    const outcome = await this.commandBus.execute(new ApplyRechargeResultCommand(result, 'mq'));
    if (outcome === 'mismatch') throw new UnrecoverableMessageError(`recharge ${result.txNo} differs from account's record`);
    if (outcome === 'unknown') this.logger.warn(`recharge ${result.txNo} is not one of account's; ignored`);
  }
}

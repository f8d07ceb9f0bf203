import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { Idempotent, UnrecoverableMessageError, validateMessage } from '@txmsg/nestjs';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApplyRechargeResultCommand } from '../commands/apply-recharge-result/apply-recharge-result.command';
import { PayRechargeResult } from '../domain/pay-recharge-result';

/**
 * Applies pay's result notifications from the broker. Deduped on txNo: the
 * dedup row and the effect commit together; a result for a recharge made at pay records it. A
 * failing apply climbs the retry ladder; an invalid message, one that contradicts account's
 * record, or one for an account account does not hold is parked at once for an operator, who can
 * requeue it once the account exists.
 */
@Injectable()
export class ApplyOnRechargeCompleted {
  constructor(private readonly commandBus: CommandBus) {}

  // The exchange is the library's (`broker.exchange`); the routing key is pay's event name.
  @RabbitSubscribe({
    routingKey: 'pay.recharge.completed',
    queue: 'account.apply-on-recharge-completed',
  })
  @Idempotent({ key: 'txNo' })
  async handle(payload: unknown): Promise<void> {
    const result = validateMessage(PayRechargeResult, payload);
    const outcome = await this.commandBus.execute(new ApplyRechargeResultCommand(result, 'mq'));
    if (outcome === 'mismatch')
      throw new UnrecoverableMessageError(`recharge ${result.txNo} differs from account's record`);
    if (outcome === 'unknown-account') {
      throw new UnrecoverableMessageError(
        `recharge ${result.txNo} is for account ${result.accountNo}, which account does not hold`,
      );
    }
  }
}

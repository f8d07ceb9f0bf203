import { InjectServiceConfig } from '@app/common';
import { HttpNotifier, isDuplicateKeyError, type NotifyUrlRefusalReason, Outbox } from '@txmsg/nestjs';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ConflictException, UnprocessableEntityException } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PayConfig } from '../../../pay.config';
import { Recharge } from '../../entities/recharge.entity';
import { RechargeCompleted } from '../../events/recharge-completed.event';
import { decideResult, type RechargeRecord, sameRecharge, toRecord } from '../../recharge-record';
import { type RecordedRecharge, RecordRechargeCommand } from './record-recharge.command';

/** Message type of the result notification, on the broker and in the webhook body. */
export const RECHARGE_COMPLETED = 'pay.recharge.completed';

@CommandHandler(RecordRechargeCommand)
export class RecordRechargeHandler implements ICommandHandler<RecordRechargeCommand, RecordedRecharge> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
    private readonly notifier: HttpNotifier,
    @InjectServiceConfig() private readonly config: PayConfig,
  ) {}

  async execute(command: RecordRechargeCommand): Promise<RecordedRecharge> {
    if (command.notifyUrl) this.refuseUnknownReceiver(command.notifyUrl);
    try {
      return await this.record(command);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // A concurrent request with the same txNo committed first: answer its record.
      return this.record(command);
    }
  }

  /**
   * The recharge row, its MQ message (outbox) and its webhook (notifier) commit together: a
   * result exists if and only if its notifications do.
   */
  @Transactional()
  private async record(command: RecordRechargeCommand): Promise<RecordedRecharge> {
    const em = this.txHost.tx;
    const stored = await em.findOneBy(Recharge, { txNo: command.txNo });
    if (stored) return { record: this.sameOrRefused(stored, command), created: false };

    const result = decideResult(command.amount, this.config.rechargeLimit);
    const { txNo, accountNo, amount } = command;
    const recharge = { txNo, accountNo, amount, result, notifyUrl: command.notifyUrl ?? null };
    await em.insert(Recharge, recharge);
    const record = toRecord(recharge);
    await this.outbox.publish(new RechargeCompleted(record.txNo, record.accountNo, record.amount, record.result));
    if (command.notifyUrl) {
      await this.notifier.enqueue({
        url: command.notifyUrl,
        type: RECHARGE_COMPLETED,
        subject: record.txNo,
        data: record,
      });
    }
    return { record, created: true };
  }

  /**
   * A notifyUrl must name a receiver the operator allowed, checked before anything is recorded:
   * otherwise anyone could make pay POST to whatever its network reaches.
   */
  private refuseUnknownReceiver(notifyUrl: string): void {
    const refusal = this.notifier.refusalOf(notifyUrl);
    if (!refusal) return;
    const messages: Record<NotifyUrlRefusalReason, string> = {
      not_http: 'notifyUrl must be an http:// or https:// URL',
      userinfo: 'notifyUrl must not carry a user name or password',
      not_allowed: `pay does not notify ${refusal.origin}: it is not an allowed receiver (NOTIFY_SECRETS)`,
      outside_path: `pay does not notify ${refusal.origin}${refusal.path}: it is outside the paths of the allowed receivers at ${refusal.origin} (NOTIFY_SECRETS)`,
    };
    throw new UnprocessableEntityException(messages[refusal.reason]);
  }

  private sameOrRefused(stored: Recharge, command: RecordRechargeCommand): RechargeRecord {
    if (!sameRecharge(stored, command)) {
      throw new ConflictException(
        `txNo ${command.txNo} was already used for another recharge (account or amount differ)`,
      );
    }
    return toRecord(stored);
  }
}

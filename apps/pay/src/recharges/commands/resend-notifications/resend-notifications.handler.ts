import { HttpNotifier, Outbox } from '@txmsg/nestjs';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundException } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Recharge } from '../../entities/recharge.entity';
import { RechargeCompleted } from '../../events/recharge-completed.event';
import { toRecord } from '../../recharge-record';
import { ResendNotificationsCommand, type ResentNotifications } from './resend-notifications.command';

@CommandHandler(ResendNotificationsCommand)
export class ResendNotificationsHandler implements ICommandHandler<ResendNotificationsCommand, ResentNotifications> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
    private readonly notifier: HttpNotifier,
  ) {}

  async execute({ txNo }: ResendNotificationsCommand): Promise<ResentNotifications> {
    await this.republish(txNo);
    // The webhooks keep their ids, so a receiver that already applied one sees a replay.
    const webhooks = await this.notifier.resend(txNo);
    return { txNo, mq: 1, webhooks };
  }

  /** Announces the stored result again; receivers dedupe on txNo. */
  @Transactional()
  private async republish(txNo: string): Promise<void> {
    const recharge = await this.txHost.tx.findOneBy(Recharge, { txNo });
    if (!recharge) throw new NotFoundException(`recharge ${txNo} not found`);
    const record = toRecord(recharge);
    await this.outbox.publish(new RechargeCompleted(record.txNo, record.accountNo, record.amount, record.result));
  }
}

import { HttpNotifier } from '@txmsg/nestjs';
import { NotFoundException } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Recharge } from '../../entities/recharge.entity';
import { ListNotificationsQuery, type RechargeNotifications } from './list-notifications.query';

@QueryHandler(ListNotificationsQuery)
export class ListNotificationsHandler implements IQueryHandler<ListNotificationsQuery, RechargeNotifications> {
  constructor(
    @InjectRepository(Recharge) private readonly recharges: Repository<Recharge>,
    private readonly notifier: HttpNotifier,
  ) {}

  async execute({ txNo }: ListNotificationsQuery): Promise<RechargeNotifications> {
    if (!(await this.recharges.existsBy({ txNo }))) throw new NotFoundException(`recharge ${txNo} not found`);
    return { txNo, notifications: await this.notifier.list(txNo) };
  }
}

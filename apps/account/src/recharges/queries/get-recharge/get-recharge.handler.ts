import { NotFoundException } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Recharge } from '../../entities/recharge.entity';
import { type RechargeView, toView } from '../../recharge-view';
import { GetRechargeQuery } from './get-recharge.query';

@QueryHandler(GetRechargeQuery)
export class GetRechargeHandler implements IQueryHandler<GetRechargeQuery, RechargeView> {
  constructor(@InjectRepository(Recharge) private readonly recharges: Repository<Recharge>) {}

  async execute({ txNo }: GetRechargeQuery): Promise<RechargeView> {
    const recharge = await this.recharges.findOneBy({ txNo });
    if (!recharge) throw new NotFoundException(`recharge ${txNo} not found`);
    return toView(recharge);
  }
}

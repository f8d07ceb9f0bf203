import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundException } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Account } from '../../../accounts/entities/account.entity';
import { Recharge } from '../../entities/recharge.entity';
import { RechargeSubmitter } from '../../pay/recharge-submitter';
import { type AcceptedRecharge, CreateRechargeCommand } from './create-recharge.command';

@CommandHandler(CreateRechargeCommand)
export class CreateRechargeHandler implements ICommandHandler<CreateRechargeCommand, AcceptedRecharge> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly submitter: RechargeSubmitter,
  ) {}

  async execute({ accountNo, amount }: CreateRechargeCommand): Promise<AcceptedRecharge> {
    const recharge = { txNo: randomUUID(), accountNo, amount };
    await this.recordPending(recharge);
    await this.submitter.submit(recharge);
    return { txNo: recharge.txNo, status: 'PENDING' };
  }

  @Transactional()
  private async recordPending(recharge: Pick<Recharge, 'txNo' | 'accountNo' | 'amount'>): Promise<void> {
    const em = this.txHost.tx;
    if (!(await em.existsBy(Account, { accountNo: recharge.accountNo }))) {
      throw new NotFoundException(`account ${recharge.accountNo} not found`);
    }
    await em.insert(Recharge, { ...recharge, status: 'PENDING' });
  }
}

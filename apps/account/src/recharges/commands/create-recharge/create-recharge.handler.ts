import { isDuplicateKeyError } from '@txmsg/nestjs';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ConflictException, NotFoundException } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { Account } from '../../../accounts/entities/account.entity';
import { Recharge } from '../../entities/recharge.entity';
import { RechargeSubmitter } from '../../pay/recharge-submitter';
import { type AcceptedRecharge, CreateRechargeCommand } from './create-recharge.command';

type NewRecharge = Pick<Recharge, 'txNo' | 'accountNo' | 'amount' | 'idempotencyKey'>;

@CommandHandler(CreateRechargeCommand)
export class CreateRechargeHandler implements ICommandHandler<CreateRechargeCommand, AcceptedRecharge> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @InjectRepository(Recharge) private readonly recharges: Repository<Recharge>,
    private readonly submitter: RechargeSubmitter,
  ) {}

  async execute(command: CreateRechargeCommand): Promise<AcceptedRecharge> {
    const { accountNo, amount, idempotencyKey } = command;
    if (idempotencyKey) {
      const earlier = await this.recharges.findOneBy({ idempotencyKey });
      if (earlier) return this.repeat(earlier, command);
    }
    const recharge: NewRecharge = { txNo: randomUUID(), accountNo, amount, idempotencyKey: idempotencyKey ?? null };
    try {
      await this.recordPending(recharge);
    } catch (error) {
      if (!idempotencyKey || !isDuplicateKeyError(error)) throw error;
      // The same key arrived concurrently and committed first.
      return this.repeat(await this.recharges.findOneByOrFail({ idempotencyKey }), command);
    }
    await this.submitter.submit(recharge);
    return { txNo: recharge.txNo, status: 'PENDING' };
  }

  @Transactional()
  private async recordPending(recharge: NewRecharge): Promise<void> {
    const em = this.txHost.tx;
    if (!(await em.existsBy(Account, { accountNo: recharge.accountNo }))) {
      throw new NotFoundException(`account ${recharge.accountNo} not found`);
    }
    await em.insert(Recharge, { ...recharge, status: 'PENDING' });
  }

  /** A retried request: the recharge its key made, asked of pay again if still pending (pay is idempotent). */
  private async repeat(
    earlier: Recharge,
    { accountNo, amount, idempotencyKey }: CreateRechargeCommand,
  ): Promise<AcceptedRecharge> {
    if (earlier.accountNo !== accountNo || !earlier.amount.eq(amount)) {
      throw new ConflictException(
        `Idempotency-Key ${idempotencyKey} was already used for another recharge (account or amount differ)`,
      );
    }
    if (earlier.status === 'PENDING') await this.submitter.submit(earlier);
    return { txNo: earlier.txNo, status: earlier.status };
  }
}

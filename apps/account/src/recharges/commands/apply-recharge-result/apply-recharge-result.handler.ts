import { formatAmount } from '@app/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import Decimal from 'decimal.js';
import { Account } from '../../../accounts/entities/account.entity';
import { transitionFor } from '../../domain/recharge-state';
import { Recharge } from '../../entities/recharge.entity';
import { ApplyRechargeResultCommand, type ApplyOutcome } from './apply-recharge-result.command';

@CommandHandler(ApplyRechargeResultCommand)
export class ApplyRechargeResultHandler implements ICommandHandler<ApplyRechargeResultCommand, ApplyOutcome> {
  private readonly logger = new Logger(ApplyRechargeResultHandler.name);

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * The status change is conditional (`WHERE status = 'PENDING'`) and the credit happens only
   * when it changed the row, in the same transaction: concurrent or repeated results wait on the
   * row lock, then find it final and do nothing.
   */
  @Transactional()
  async execute({ fact, appliedBy }: ApplyRechargeResultCommand): Promise<ApplyOutcome> {
    const em = this.txHost.tx;
    const recharge = await em.findOneBy(Recharge, { txNo: fact.txNo });
    if (!recharge) return 'unknown';
    if (recharge.accountNo !== fact.accountNo || !recharge.amount.eq(new Decimal(fact.amount))) {
      this.logger.error(
        `recharge ${fact.txNo}: ${appliedBy} reports account ${fact.accountNo} amount ${fact.amount}, but it is account ${recharge.accountNo} amount ${formatAmount(recharge.amount)}; not applied`,
      );
      return 'mismatch';
    }
    const transition = transitionFor(fact.result);
    const changed = await em
      .createQueryBuilder()
      .update(Recharge)
      .set({ status: transition.status, appliedBy, appliedAt: () => 'NOW(3)' })
      .where('tx_no = :txNo AND status = :pending', { txNo: fact.txNo, pending: 'PENDING' })
      .execute();
    if (changed.affected !== 1) return 'already-final';
    if (transition.credit) {
      const credited = await em
        .createQueryBuilder()
        .update(Account)
        .set({ balance: () => 'balance + :amount' })
        .setParameter('amount', formatAmount(recharge.amount))
        .where('account_no = :accountNo', { accountNo: recharge.accountNo })
        .execute();
      if (credited.affected !== 1) throw new Error(`account ${recharge.accountNo} of recharge ${fact.txNo} is missing`);
    }
    this.logger.log(`recharge ${fact.txNo} ${transition.status} (applied by ${appliedBy})`);
    return 'applied';
  }
}

import { dialectFor, formatAmount } from '@app/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import Decimal from 'decimal.js';
import { Account } from '../../../accounts/entities/account.entity';
import type { AppliedBy } from '../../domain/recharge-state';
import { transitionFor } from '../../domain/recharge-state';
import { Recharge } from '../../entities/recharge.entity';
import {
  ApplyRechargeResultCommand,
  type ApplyOutcome,
  type RechargeResultFact,
} from './apply-recharge-result.command';

@CommandHandler(ApplyRechargeResultCommand)
export class ApplyRechargeResultHandler implements ICommandHandler<ApplyRechargeResultCommand, ApplyOutcome> {
  private readonly logger = new Logger(ApplyRechargeResultHandler.name);

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @Transactional()
  async execute({ fact, appliedBy }: ApplyRechargeResultCommand): Promise<ApplyOutcome> {
    const recharge = await this.txHost.tx.findOneBy(Recharge, { txNo: fact.txNo });
    return recharge ? this.applyTo(recharge, fact, appliedBy) : this.recordFromResult(fact, appliedBy);
  }

  /**
   * The status change is conditional (`WHERE status = 'PENDING'`) and the credit happens only
   * when it changed the row, in the same transaction: concurrent or repeated results wait on the
   * row lock, then find it final and do nothing.
   */
  private async applyTo(recharge: Recharge, fact: RechargeResultFact, appliedBy: AppliedBy): Promise<ApplyOutcome> {
    if (recharge.accountNo !== fact.accountNo || !recharge.amount.eq(new Decimal(fact.amount))) {
      this.logger.error(
        `recharge ${fact.txNo}: ${appliedBy} reports account ${fact.accountNo} amount ${fact.amount}, but it is account ${recharge.accountNo} amount ${formatAmount(recharge.amount)}; not applied`,
      );
      return 'mismatch';
    }
    const transition = transitionFor(fact.result);
    const changed = await this.txHost.tx
      .createQueryBuilder()
      .update(Recharge)
      .set({ status: transition.status, appliedBy, appliedAt: () => dialectFor(this.txHost.tx).now })
      .where('tx_no = :txNo AND status = :pending', { txNo: fact.txNo, pending: 'PENDING' })
      .execute();
    if (changed.affected !== 1) return 'already-final';
    if (transition.credit) await this.credit(recharge.accountNo, recharge.amount, fact.txNo);
    this.logger.log(`recharge ${fact.txNo} ${transition.status} (applied by ${appliedBy})`);
    return 'applied';
  }

  /**
   * A recharge the user made at pay: its result is the first account hears of it. Locking the
   * account row first puts every path that brings this result in line; the one that finds no
   * recharge under the lock records it final and credits it, the others then find it final.
   */
  private async recordFromResult(fact: RechargeResultFact, appliedBy: AppliedBy): Promise<ApplyOutcome> {
    const em = this.txHost.tx;
    const held = await em.findOne(Account, {
      where: { accountNo: fact.accountNo },
      lock: { mode: 'pessimistic_write' },
    });
    if (!held) {
      this.logger.error(
        `recharge ${fact.txNo}: ${appliedBy} reports account ${fact.accountNo}, which account does not hold; not applied`,
      );
      return 'unknown-account';
    }
    // A locking read sees what committed while this transaction waited for the account lock.
    const recorded = await em.findOne(Recharge, { where: { txNo: fact.txNo }, lock: { mode: 'pessimistic_write' } });
    if (recorded) return this.applyTo(recorded, fact, appliedBy);
    const transition = transitionFor(fact.result);
    const amount = new Decimal(fact.amount);
    await em.insert(Recharge, {
      txNo: fact.txNo,
      accountNo: fact.accountNo,
      amount,
      status: transition.status,
      appliedBy,
      appliedAt: () => dialectFor(em).now,
    });
    if (transition.credit) await this.credit(fact.accountNo, amount, fact.txNo);
    this.logger.log(`recharge ${fact.txNo} made at pay recorded ${transition.status} (applied by ${appliedBy})`);
    return 'applied';
  }

  private async credit(accountNo: string, amount: Decimal, txNo: string): Promise<void> {
    const credited = await this.txHost.tx
      .createQueryBuilder()
      .update(Account)
      .set({ balance: () => 'balance + :amount' })
      .setParameter('amount', formatAmount(amount))
      .where('account_no = :accountNo', { accountNo })
      .execute();
    if (credited.affected !== 1) throw new Error(`account ${accountNo} of recharge ${txNo} is missing`);
  }
}

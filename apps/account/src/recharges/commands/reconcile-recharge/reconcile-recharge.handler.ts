import { dialectFor, formatAmount, InjectServiceConfig, runSql } from '@app/common';
import { ConflictException, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { withDeadlockRetry } from '@txmsg/nestjs';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AccountConfig } from '../../../account.config';
import { type AppliedBy, reconcileStep } from '../../domain/recharge-state';
import { Recharge } from '../../entities/recharge.entity';
import { PayClient } from '../../pay/pay-client';
import { RechargeSubmitter } from '../../pay/recharge-submitter';
import { type RechargeView, toView } from '../../recharge-view';
import {
  ApplyRechargeResultCommand,
  type ApplyOutcome,
  type RechargeResultFact,
} from '../apply-recharge-result/apply-recharge-result.command';
import { ReconcileRechargeCommand } from './reconcile-recharge.command';

@CommandHandler(ReconcileRechargeCommand)
export class ReconcileRechargeHandler implements ICommandHandler<ReconcileRechargeCommand, RechargeView> {
  private readonly logger = new Logger(ReconcileRechargeHandler.name);

  constructor(
    @InjectRepository(Recharge) private readonly recharges: Repository<Recharge>,
    private readonly pay: PayClient,
    private readonly submitter: RechargeSubmitter,
    private readonly commandBus: CommandBus,
    @InjectServiceConfig() private readonly config: AccountConfig,
  ) {}

  async execute({ txNo, trigger }: ReconcileRechargeCommand): Promise<RechargeView> {
    const recharge = await this.find(txNo);
    if (recharge.status !== 'PENDING') return toView(recharge);
    const ageMs = await this.markChecked(txNo);
    const answer = await this.pay.query(txNo);
    const step = reconcileStep(answer.kind, ageMs, this.config.reconcile.deadlineMs);
    if (answer.kind === 'found') {
      const outcome = await this.apply(answer.recharge, trigger);
      if (outcome === 'mismatch')
        throw new ConflictException(`pay's record of recharge ${txNo} differs from account's; not applied`);
    } else if (step === 'resubmit') {
      this.logger.warn(`pay does not know recharge ${txNo}; sending it again`);
      await this.submitter.submit(recharge);
    } else if (step === 'expire') {
      this.logger.warn(
        `pay still does not know recharge ${txNo} after ${this.config.reconcile.deadlineMs} ms; it FAILED`,
      );
      const fact = {
        txNo,
        accountNo: recharge.accountNo,
        amount: formatAmount(recharge.amount),
        result: 'fail' as const,
      };
      await this.apply(fact, 'deadline');
    } else if (answer.kind === 'unreachable') {
      if (trigger === 'reconcile') {
        throw new ServiceUnavailableException(
          `pay could not be asked about recharge ${txNo} (${answer.reason}); it stays PENDING`,
        );
      }
      this.logger.warn(`pay could not be asked about recharge ${txNo} (${answer.reason}); trying again later`);
    }
    return toView(await this.find(txNo));
  }

  /** Applies a result in its own transaction, run again if the database picked it as a deadlock victim. */
  private apply(fact: RechargeResultFact, appliedBy: AppliedBy): Promise<ApplyOutcome> {
    return withDeadlockRetry(() => this.commandBus.execute(new ApplyRechargeResultCommand(fact, appliedBy)));
  }

  private async find(txNo: string): Promise<Recharge> {
    const recharge = await this.recharges.findOneBy({ txNo });
    if (!recharge) throw new NotFoundException(`recharge ${txNo} not found`);
    return recharge;
  }

  /** Notes when pay was last asked (the reconciler spaces its questions by it); returns the recharge's age by the database clock. */
  private async markChecked(txNo: string): Promise<number> {
    const em = this.recharges.manager;
    const dialect = dialectFor(em);
    await this.recharges.update({ txNo }, { checkedAt: () => dialect.now });
    const [row] = await runSql(em, `SELECT ${dialect.msSince('created_at')} AS age_ms FROM recharge WHERE tx_no = ?`, [
      txNo,
    ]);
    return Math.floor(Number(row.age_ms));
  }
}

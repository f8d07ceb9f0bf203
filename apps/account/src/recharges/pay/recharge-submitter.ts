import { dialectFor, formatAmount, InjectServiceConfig } from '@app/common';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AccountConfig } from '../../account.config';
import { Recharge } from '../entities/recharge.entity';
import { PayClient, type PaySubmission } from './pay-client';

/** Path of the webhook endpoint pay notifies (scheme 2). */
export const RECHARGE_WEBHOOK_PATH = '/notifications/recharge';

/**
 * Asks pay to perform a stored recharge. With a NOTIFY_SECRET the request carries a notifyUrl
 * (ACCOUNT_PUBLIC_URL + the webhook path), so pay also notifies by signed webhook; without one,
 * account relies on MQ and reconciliation. pay's answer is not applied here: the result arrives
 * by notification or by querying pay, the paths that work when this answer is lost. Never
 * throws: a pay that is down leaves the recharge PENDING for the reconciler.
 */
@Injectable()
export class RechargeSubmitter {
  private readonly logger = new Logger(RechargeSubmitter.name);

  constructor(
    private readonly pay: PayClient,
    @InjectRepository(Recharge) private readonly recharges: Repository<Recharge>,
    @InjectServiceConfig() private readonly config: AccountConfig,
  ) {}

  async submit(recharge: Pick<Recharge, 'txNo' | 'accountNo' | 'amount'>): Promise<PaySubmission> {
    const submission = await this.pay.submit({
      txNo: recharge.txNo,
      accountNo: recharge.accountNo,
      amount: formatAmount(recharge.amount),
      ...(this.config.notifySecret ? { notifyUrl: `${this.config.publicUrl}${RECHARGE_WEBHOOK_PATH}` } : {}),
    });
    if (submission.kind === 'accepted') {
      // Bookkeeping for operators only: losing it loses nothing.
      const now = dialectFor(this.recharges.manager).now;
      await this.recharges.update({ txNo: recharge.txNo }, { submittedAt: () => now }).catch(() => undefined);
      this.logger.log(
        `recharge ${recharge.txNo} accepted by pay (result ${submission.recharge.result}); awaiting its notification`,
      );
    } else if (submission.kind === 'refused') {
      this.logger.error(`pay refused recharge ${recharge.txNo} (${submission.status}): ${submission.reason}`);
    } else {
      this.logger.warn(
        `pay unreachable for recharge ${recharge.txNo} (${submission.reason}); it stays PENDING for the reconciler`,
      );
    }
    return submission;
  }
}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Account } from '../accounts/entities/account.entity';
import { CommandHandlers } from './commands';
import { ApplyOnRechargeCompleted } from './consumers/apply-on-recharge-completed.consumer';
import { Recharge } from './entities/recharge.entity';
import { WebhookReceipt } from './entities/webhook-receipt.entity';
import { NotificationsController } from './notifications.controller';
import { PayClient } from './pay/pay-client';
import { RechargeSubmitter } from './pay/recharge-submitter';
import { QueryHandlers } from './queries';
import { RechargeReconciler } from './reconciler/recharge-reconciler';
import { RechargesController } from './recharges.controller';

/**
 * Recharges: asks pay to perform them, applies results exactly once from MQ, signed
 * webhooks and reconciliation (also for recharges made at pay directly), reconciles late ones by
 * itself, and pulls pay's result list to find results it was never notified of.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Recharge, WebhookReceipt, Account])],
  controllers: [RechargesController, NotificationsController],
  providers: [
    ...CommandHandlers,
    ...QueryHandlers,
    ApplyOnRechargeCompleted,
    PayClient,
    RechargeSubmitter,
    RechargeReconciler,
  ],
})
export class RechargesModule {}

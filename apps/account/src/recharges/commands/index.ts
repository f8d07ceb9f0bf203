import { ApplyRechargeResultHandler } from './apply-recharge-result/apply-recharge-result.handler';
import { CreateRechargeHandler } from './create-recharge/create-recharge.handler';
import { PullRechargeResultsHandler } from './pull-recharge-results/pull-recharge-results.handler';
import { ReceiveRechargeWebhookHandler } from './receive-recharge-webhook/receive-recharge-webhook.handler';
import { ReconcileRechargeHandler } from './reconcile-recharge/reconcile-recharge.handler';

export const CommandHandlers = [
  ApplyRechargeResultHandler,
  CreateRechargeHandler,
  PullRechargeResultsHandler,
  ReceiveRechargeWebhookHandler,
  ReconcileRechargeHandler,
];

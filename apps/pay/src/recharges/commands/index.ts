import { RecordRechargeHandler } from './record-recharge/record-recharge.handler';
import { ResendNotificationsHandler } from './resend-notifications/resend-notifications.handler';

export const CommandHandlers = [RecordRechargeHandler, ResendNotificationsHandler];

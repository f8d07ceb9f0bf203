import { GetRechargeHandler } from './get-recharge/get-recharge.handler';
import { ListNotificationsHandler } from './list-notifications/list-notifications.handler';

export const QueryHandlers = [GetRechargeHandler, ListNotificationsHandler];

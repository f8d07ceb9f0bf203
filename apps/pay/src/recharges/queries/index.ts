import { GetRechargeHandler } from './get-recharge/get-recharge.handler';
import { ListNotificationsHandler } from './list-notifications/list-notifications.handler';
import { ListRechargesHandler } from './list-recharges/list-recharges.handler';

export const QueryHandlers = [GetRechargeHandler, ListNotificationsHandler, ListRechargesHandler];

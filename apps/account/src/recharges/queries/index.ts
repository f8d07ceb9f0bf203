import { GetRechargeHandler } from './get-recharge/get-recharge.handler';

export const QueryHandlers = [GetRechargeHandler];

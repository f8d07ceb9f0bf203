import { GetAccountHandler } from './get-account/get-account.handler';

export const QueryHandlers = [GetAccountHandler];

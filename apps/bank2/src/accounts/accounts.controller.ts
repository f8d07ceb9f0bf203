import { AccountNoPipe } from '@app/common';
import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { type AccountView, GetAccountQuery } from './queries/get-account/get-account.query';

@Controller('accounts')
export class AccountsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':accountNo')
  getAccount(@Param('accountNo', AccountNoPipe) accountNo: string): Promise<AccountView> {
    return this.queryBus.execute(new GetAccountQuery(accountNo));
  }
}

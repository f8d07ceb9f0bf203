import { AccountNoPipe, AccountViewDto, ApiAccountNoParam, ApiErrors } from '@app/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { type AccountView, GetAccountQuery } from './queries/get-account/get-account.query';

@ApiTags('accounts')
@Controller('accounts')
export class AccountsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':accountNo')
  @ApiOkResponse({ type: AccountViewDto })
  @ApiAccountNoParam()
  @ApiErrors(400, 404)
  getAccount(@Param('accountNo', AccountNoPipe) accountNo: string): Promise<AccountView> {
    return this.queryBus.execute(new GetAccountQuery(accountNo));
  }
}

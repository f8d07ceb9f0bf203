import { formatAmount } from '@app/common';
import { NotFoundException } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Account } from '../../entities/account.entity';
import { type AccountView, GetAccountQuery } from './get-account.query';

@QueryHandler(GetAccountQuery)
export class GetAccountHandler implements IQueryHandler<GetAccountQuery, AccountView> {
  constructor(@InjectRepository(Account) private readonly accounts: Repository<Account>) {}

  async execute({ accountNo }: GetAccountQuery): Promise<AccountView> {
    const account = await this.accounts.findOneBy({ accountNo });
    if (!account) throw new NotFoundException(`account ${accountNo} not found`);
    return { accountNo: account.accountNo, accountName: account.accountName, balance: formatAmount(account.balance) };
  }
}

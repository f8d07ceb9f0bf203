import { NotFoundException } from '@nestjs/common';
import Decimal from 'decimal.js';
import type { Repository } from 'typeorm';
import type { Account } from '../../entities/account.entity';
import { GetAccountHandler } from './get-account.handler';
import { GetAccountQuery } from './get-account.query';

describe(GetAccountHandler.name, () => {
  const zhangSan = { accountNo: '1', accountName: '张三的账户', balance: new Decimal('10000') } as Account;
  const accounts = { findOneBy: jest.fn() } as unknown as jest.Mocked<Repository<Account>>;
  const handler = new GetAccountHandler(accounts);

  it('shows the balance as a decimal string with 2 fraction digits', async () => {
    accounts.findOneBy.mockResolvedValueOnce(zhangSan);
    await expect(handler.execute(new GetAccountQuery('1'))).resolves.toEqual({
      accountNo: '1',
      accountName: '张三的账户',
      balance: '10000.00',
    });
    expect(accounts.findOneBy).toHaveBeenCalledWith({ accountNo: '1' });
  });

  it('answers 404 naming the account when there is none', async () => {
    accounts.findOneBy.mockResolvedValueOnce(null);
    await expect(handler.execute(new GetAccountQuery('9'))).rejects.toThrow(
      new NotFoundException('account 9 not found'),
    );
  });
});

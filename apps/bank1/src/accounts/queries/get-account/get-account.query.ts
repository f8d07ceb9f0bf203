import { Query } from '@nestjs/cqrs';

/** An account as the API shows it; the balance is a decimal string such as `"10000.00"`. */
export interface AccountView {
  accountNo: string;
  accountName: string;
  balance: string;
}

/** Reads one account; answers 404 when there is none with that number. */
export class GetAccountQuery extends Query<AccountView> {
  constructor(readonly accountNo: string) {
    super();
  }
}

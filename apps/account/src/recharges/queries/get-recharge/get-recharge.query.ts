import { Query } from '@nestjs/cqrs';
import type { RechargeView } from '../../recharge-view';

/** Reads one recharge; 404 when there is none with that txNo. */
export class GetRechargeQuery extends Query<RechargeView> {
  constructor(readonly txNo: string) {
    super();
  }
}

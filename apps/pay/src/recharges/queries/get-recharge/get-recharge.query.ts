import { Query } from '@nestjs/cqrs';
import type { RechargeRecord } from '../../recharge-record';

/** The result query API the receiver reconciles against; 404 for an unknown txNo. */
export class GetRechargeQuery extends Query<RechargeRecord> {
  constructor(readonly txNo: string) {
    super();
  }
}

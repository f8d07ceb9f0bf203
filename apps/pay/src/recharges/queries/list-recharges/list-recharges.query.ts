import { Query } from '@nestjs/cqrs';
import type { RechargeRecord } from '../../recharge-record';

/** A page of pay's results in commit order. */
export interface RechargePage {
  results: RechargeRecord[];
  /** Hand it back as `after` for the next page; when the page is empty, it is the cursor given. */
  nextCursor: string;
  /** More results were committed after this page when it was read. */
  hasMore: boolean;
}

/**
 * Pay's results in the order it committed them, after an opaque cursor: what a receiver pulls to
 * find results it was never notified of. A result that commits late comes after every page
 * already read, never before. 400 for a cursor pay did not give out.
 */
export class ListRechargesQuery extends Query<RechargePage> {
  constructor(
    /** A `nextCursor` from an earlier page; undefined for the first page. */
    readonly after: string | undefined,
    readonly limit: number,
    /** Only this account's results. */
    readonly accountNo: string | undefined,
  ) {
    super();
  }
}

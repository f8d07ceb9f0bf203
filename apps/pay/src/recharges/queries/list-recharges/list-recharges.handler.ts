import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Recharge } from '../../entities/recharge.entity';
import { decodeCursor, encodeCursor } from '../../listing/list-cursor';
import { RechargeSequencer } from '../../listing/recharge-sequencer';
import { toRecord } from '../../recharge-record';
import { ListRechargesQuery, type RechargePage } from './list-recharges.query';

@QueryHandler(ListRechargesQuery)
export class ListRechargesHandler implements IQueryHandler<ListRechargesQuery, RechargePage> {
  constructor(
    @InjectRepository(Recharge) private readonly recharges: Repository<Recharge>,
    private readonly sequencer: RechargeSequencer,
  ) {}

  /**
   * Positions are given at read time: every result committed before this request is in the list
   * it reads, without a background job to wait for. The page is read after the sequencer has
   * committed, in a statement of its own.
   */
  async execute({ after, limit, accountNo }: ListRechargesQuery): Promise<RechargePage> {
    const from = after === undefined ? '0' : decodeCursor(after);
    await this.sequencer.sequence();
    const query = this.recharges
      .createQueryBuilder('r')
      .where('r.commit_position > :from', { from })
      .orderBy('r.commit_position', 'ASC')
      .limit(limit + 1);
    if (accountNo !== undefined) query.andWhere('r.account_no = :accountNo', { accountNo });
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    const last = page.at(-1)?.commitPosition ?? from;
    return { results: page.map(toRecord), nextCursor: encodeCursor(String(last)), hasMore: rows.length > limit };
  }
}

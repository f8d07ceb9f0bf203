import { runSql } from '@app/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PayClient, type PayResultPage } from '../../pay/pay-client';
import { ApplyRechargeResultCommand } from '../apply-recharge-result/apply-recharge-result.command';
import { PullRechargeResultsCommand, type PulledPage } from './pull-recharge-results.command';

/** The stored cursor's row in `reconcile_cursor`. */
const SOURCE = 'pay.recharges';
/** Results asked for per page: one page is applied in one transaction. */
const PAGE_SIZE = 100;

@CommandHandler(PullRechargeResultsCommand)
export class PullRechargeResultsHandler implements ICommandHandler<PullRechargeResultsCommand, PulledPage> {
  private readonly logger = new Logger(PullRechargeResultsHandler.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly pay: PayClient,
    private readonly commandBus: CommandBus,
  ) {}

  /** pay is asked outside any transaction, so no lock is held while it answers. */
  async execute(): Promise<PulledPage> {
    const from = await this.storedCursor();
    const listing = await this.pay.list(from, PAGE_SIZE);
    if (listing.kind === 'unreachable') return listing;
    return this.applyPage(from, listing.page);
  }

  private async storedCursor(): Promise<string | null> {
    const [row] = await runSql(this.txHost.tx, 'SELECT position FROM reconcile_cursor WHERE source = ?', [SOURCE]);
    if (!row) throw new Error(`reconcile_cursor has no row "${SOURCE}": the account migrations did not run`);
    return row.position;
  }

  /**
   * Compare-and-set under the cursor's row lock: the page is applied only if the cursor is still
   * the one it was asked from. Apply outcomes other than `applied` were logged by the apply
   * itself and do not hold the cursor back: a mismatch leaves account's own recharge PENDING for
   * its per-recharge reconciliation, and a result for an account account does not hold is parked
   * with its MQ notification.
   */
  @Transactional()
  private async applyPage(from: string | null, page: PayResultPage): Promise<PulledPage> {
    const em = this.txHost.tx;
    const [row] = await runSql(em, 'SELECT position FROM reconcile_cursor WHERE source = ? FOR UPDATE', [SOURCE]);
    if (row.position !== from) return { kind: 'raced' };
    let applied = 0;
    for (const result of page.results) {
      const outcome = await this.commandBus.execute(new ApplyRechargeResultCommand(result, 'reconciler'));
      if (outcome === 'applied') applied++;
    }
    await runSql(em, 'UPDATE reconcile_cursor SET position = ? WHERE source = ?', [page.nextCursor, SOURCE]);
    if (applied > 0)
      this.logger.log(`pulled ${page.results.length} results from pay; ${applied} applied here for the first time`);
    return { kind: 'pulled', results: page.results.length, applied, hasMore: page.hasMore };
  }
}

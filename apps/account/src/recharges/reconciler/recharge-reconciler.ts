import { dialectFor, errorText, InjectServiceConfig, runSql } from '@app/common';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AccountConfig } from '../../account.config';
import { PullRechargeResultsCommand } from '../commands/pull-recharge-results/pull-recharge-results.command';
import { ReconcileRechargeCommand } from '../commands/reconcile-recharge/reconcile-recharge.command';
import { Recharge } from '../entities/recharge.entity';

/** Recharges reconciled per round; the rest wait for the next one, oldest question first. */
const BATCH = 20;
/** Pages of pay's result list pulled per round at most; a longer backlog continues next round. */
const MAX_PAGES = 10;

/**
 * Every RECONCILE_INTERVAL, asks pay about recharges still PENDING RECONCILE_AFTER after they
 * were created (and not asked within the last interval): a late notification may never come, and
 * pay's query API always knows the result. Then (unless RECONCILE_PULL is false, or PAY_ADMIN_TOKEN
 * is not set) pulls pay's result list from its stored cursor, to find results account was never
 * notified of at all. Rounds never overlap; a
 * failing round is logged and the next one runs. Several instances may run: applying a result is
 * idempotent, and only one of them moves the cursor past a page.
 */
@Injectable()
export class RechargeReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RechargeReconciler.name);
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private stopped = false;

  constructor(
    @InjectRepository(Recharge) private readonly recharges: Repository<Recharge>,
    private readonly commandBus: CommandBus,
    @InjectServiceConfig() private readonly config: AccountConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.reconcile.pull && !this.config.payAdminToken) {
      // Said once: every round's 401 would bury the log, and the per-recharge queries still work.
      this.logger.warn(
        "RECONCILE_PULL is on but PAY_ADMIN_TOKEN is not set: pay's result list needs pay's admin token, so results account was never notified of are not pulled. Set PAY_ADMIN_TOKEN to pay's TXMSG_ADMIN_TOKEN.",
      );
    }
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /** One round; returns how many recharges were reconciled. */
  async reconcileDue(): Promise<number> {
    const { afterMs, intervalMs } = this.config.reconcile;
    const em = this.recharges.manager;
    // "At least this long ago" is now plus a negative span, by the database clock.
    const ago = dialectFor(em).nowPlusMicros;
    const due: { tx_no: string }[] = await runSql(
      em,
      `SELECT tx_no FROM recharge
        WHERE status = 'PENDING'
          AND created_at <= ${ago}
          AND (checked_at IS NULL OR checked_at <= ${ago})
        ORDER BY COALESCE(checked_at, created_at) LIMIT ${BATCH}`,
      [-afterMs * 1000, -intervalMs * 1000],
    );
    for (const { tx_no: txNo } of due) {
      if (this.stopped) break;
      await this.commandBus.execute(new ReconcileRechargeCommand(txNo, 'reconciler')).catch((error: unknown) => {
        this.logger.warn(`reconciling recharge ${txNo} failed: ${errorText(error)}`);
      });
    }
    return due.length;
  }

  /** Pulls pay's result list until it is caught up (or MAX_PAGES); returns how many results were applied. */
  async pullResults(): Promise<number> {
    let applied = 0;
    for (let page = 0; page < MAX_PAGES && !this.stopped; page++) {
      const pulled = await this.commandBus.execute(new PullRechargeResultsCommand());
      if (pulled.kind === 'unreachable') {
        this.logger.warn(`pay's result list could not be read (${pulled.reason}); trying again next round`);
        break;
      }
      if (pulled.kind === 'raced') break; // another instance is pulling: its pages, not ours
      applied += pulled.applied;
      if (!pulled.hasMore) break;
    }
    return applied;
  }

  /** Whether rounds pull pay's result list: asked for, and possible with pay's admin token. */
  private get pulls(): boolean {
    return this.config.reconcile.pull && this.config.payAdminToken !== undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.reconcileDue()
        .then(() => (this.pulls ? this.pullResults() : undefined))
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn(`reconciliation round failed: ${errorText(error)}`))
        .finally(() => this.schedule());
    }, this.config.reconcile.intervalMs);
  }
}

import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { affectedRows } from '../support/affected-rows';
import { PeriodicWorker } from '../support/periodic-worker';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';

/**
 * Purges published or discarded outbox rows and dedup rows older than the retention, in small
 * batches (one unbounded DELETE would escalate locks and stall business transactions). The
 * retention is validated to exceed the whole retry ladder, so a late redelivery still finds its
 * dedup row.
 */
@Injectable()
export class Housekeeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Housekeeper.name);
  private readonly worker: PeriodicWorker;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.worker = new PeriodicWorker(this.logger, options.housekeeping.intervalMs, async () => {
      await this.purgeOnce();
      return false;
    });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Purges everything past retention, batch by batch; returns the rows deleted per table. */
  async purgeOnce(): Promise<{ outbox: number; dedup: number }> {
    const micros = this.options.housekeeping.retentionMs * 1000;
    const outbox = await this.inBatches(
      `DELETE FROM txmsg_outbox WHERE status IN ('PUBLISHED', 'DISCARDED')
          AND finished_at < DATE_SUB(NOW(3), INTERVAL ? MICROSECOND) LIMIT ?`,
      micros,
    );
    const dedup = await this.inBatches(
      `DELETE FROM txmsg_dedup WHERE processed_at < DATE_SUB(NOW(3), INTERVAL ? MICROSECOND) LIMIT ?`,
      micros,
    );
    if (outbox + dedup > 0) this.logger.log(`purged ${outbox} outbox rows and ${dedup} dedup rows`);
    return { outbox, dedup };
  }

  private async inBatches(sql: string, micros: number): Promise<number> {
    const { batchSize } = this.options.housekeeping;
    let total = 0;
    for (;;) {
      const deleted = affectedRows(await this.dataSource.query(sql, [micros, batchSize]));
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }
}

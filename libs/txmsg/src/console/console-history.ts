import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { PeriodicWorker } from '../support/periodic-worker';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { ConsoleOverview } from './console-overview';
import { backlogsOf, columnCounts, SAMPLES_KEPT, type Sample, SampleRing } from './console-samples';

/**
 * The overview's recent past: every `console.sampleIntervalMs`, this process's counts of
 * `txmsg_consumer_messages_total` and the database's backlogs, the last {@link SAMPLES_KEPT}
 * kept in memory. The counters are this instance's own since it started (as Prometheus has them
 * before it sums instances); the backlogs are shared by every instance. Runs only where the
 * console is mounted, from bootstrap to shutdown.
 */
@Injectable()
export class ConsoleHistory implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ConsoleHistory.name);
  private readonly ring = new SampleRing(SAMPLES_KEPT);
  private readonly worker?: PeriodicWorker;
  /** How often it samples, in ms; 0 when the console is off. */
  readonly intervalMs: number;

  constructor(
    private readonly overview: ConsoleOverview,
    private readonly metrics: TxMsgMetrics,
    @Inject(TXMSG_OPTIONS) options: ResolvedTxMsgOptions,
  ) {
    this.intervalMs = options.console ? options.console.sampleIntervalMs : 0;
    if (options.console) {
      this.worker = new PeriodicWorker(this.logger, this.intervalMs, async () => {
        await this.sample();
        return false;
      });
    }
  }

  /** The samples kept, oldest first. */
  get samples(): Sample[] {
    return this.ring.samples;
  }

  onApplicationBootstrap(): void {
    this.worker?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }

  private async sample(): Promise<void> {
    // The counters first, timed together: the rates divide by the time between two readings.
    const at = Date.now();
    const consumers = columnCounts(await this.metrics.consumedCounts());
    // A read that failed as a whole is a gap in every backlog's graph; the page says why.
    const overview = await this.overview.read().catch(() => null);
    this.ring.push({ at, consumers, backlogs: backlogsOf(overview) });
  }
}

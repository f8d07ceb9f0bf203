import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { resolveRetryPolicy, retryDelay } from '../retry/resolve-retry-policy';
import type { ResolvedRetryPolicy } from '../retry/retry-policy';
import type { LeasedFailureHook } from '../store/failure-hook-rows';
import { FailureHookStore } from '../store/failure-hook-store';
import { errorText } from '../support/error-text';
import { PeriodicWorker } from '../support/periodic-worker';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { eventOfRow } from './announced-event';
import { FailureHookRegistry } from './failure-hook-registry';

/** Announcements leased per round. */
const BATCH = 20;

/** How long an announcement is leased while its hooks run: a hook slower than this may run twice at once. */
const LEASE_MS = 60_000;

/**
 * Runs the failure hooks of every pending announcement of `txmsg_failure_hook`, with no
 * transaction open: leases due rows in a short transaction (`SKIP LOCKED`, so instances share
 * them), runs each hook that hears the outcome in a CLS context of its own, and deletes the row
 * once all of them returned. A hook that throws leaves the row due again on the retry ladder
 * (`retry.ladderMs`, its last step repeating for as long as it throws); the hooks of that row
 * that already returned are not run again by this process. Nothing here touches the failed
 * message or notification.
 */
@Injectable()
export class FailureHookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TxMsgFailureHooks');
  private readonly worker: PeriodicWorker;
  private readonly backoff: ResolvedRetryPolicy;
  /** `row id\0hook name` of the hooks that returned, for rows whose other hooks still throw. */
  private readonly returned = new Set<string>();

  constructor(
    private readonly store: FailureHookStore,
    private readonly registry: FailureHookRegistry,
    private readonly cls: ClsService,
    @Inject(TXMSG_OPTIONS) options: ResolvedTxMsgOptions,
  ) {
    this.backoff = { ...resolveRetryPolicy(undefined, options.retry.ladderMs, 'hooks'), maxAttempts: Infinity };
    this.worker = new PeriodicWorker(
      this.logger,
      options.retry.scanIntervalMs,
      async () => (await this.dispatchDue()) >= BATCH,
    );
  }

  onApplicationBootstrap(): void {
    if (this.registry.wants('parked') || this.registry.wants('notification-exhausted')) this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Run the hooks of a failure that has just committed, rather than at the next scan. */
  wake(): void {
    this.worker.wake();
  }

  /** Runs the hooks of every due announcement once; returns how many were leased. */
  async dispatchDue(): Promise<number> {
    const rows = await this.store.leaseDue(BATCH, LEASE_MS);
    for (const row of rows) await this.announce(row);
    return rows.length;
  }

  private async announce(row: LeasedFailureHook): Promise<void> {
    const event = eventOfRow(row);
    let failure: unknown;
    for (const hook of this.registry.of(event.outcome)) {
      const key = `${row.id}\0${hook.name}`;
      if (this.returned.has(key)) continue;
      try {
        await this.cls.run(() => hook.run(event));
        this.returned.add(key);
      } catch (error) {
        failure ??= error;
        this.logger.warn(`failure hook ${hook.name} threw on ${event.id} (${event.outcome}): ${errorText(error)}`);
      }
    }
    if (failure === undefined) {
      await this.store.done(row);
      for (const key of this.returned) if (key.startsWith(`${row.id}\0`)) this.returned.delete(key);
      return;
    }
    const delay = retryDelay(this.backoff, row.attempts + 1) ?? this.backoff.ladderMs.at(-1)!;
    await this.store.failed(row, errorText(failure), delay);
    if (delay <= 60_000) setTimeout(() => this.worker.wake(), delay).unref();
  }
}

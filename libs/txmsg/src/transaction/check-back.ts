import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { OutboxRelay } from '../outbox/outbox-relay';
import { OutboxStore } from '../store/outbox-store';
import { PeriodicWorker } from '../support/periodic-worker';
import { NO_SPAN, carrierOf, contextOfCarrier, endSpan, startSpan } from '../tracing';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { ListenerRegistry } from './listener-registry';
import { applyCheckAnswer } from './apply-check-answer';
import { type CheckAnswer, askListener } from './ask-listener';
import type { PreparedRow } from './prepared-row';

/**
 * Resolves half messages whose local transaction said UNKNOWN or never finished (a crash), by
 * asking their listener's `check()`: first after `check.firstCheckAfterMs`, then every
 * `check.intervalMs`, at most `check.maxChecks` times. COMMIT makes the message deliverable,
 * ROLLBACK discards it, and running out of checks discards it with an error log; the row stays
 * in `txmsg_outbox` (status DISCARDED, `last_error` says why) for inspection.
 *
 * A round first claims due rows in a short transaction (`FOR UPDATE SKIP LOCKED`), counting the
 * check and moving `next_attempt_at` one interval ahead: a lease, so concurrent checkers (one per
 * instance) skip them, and a checker that dies mid-check only delays the next one. `check()` then
 * runs with no lock held — a local transaction that finishes meanwhile never waits for it — and
 * the answer is applied with conditional updates (`WHERE status = 'PREPARED'`), so a late local
 * commit and a check-back can never both win, and a late or repeated decision is a no-op.
 */
@Injectable()
export class CheckBackService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CheckBackService.name);
  private readonly worker: PeriodicWorker;

  constructor(
    private readonly store: OutboxStore,
    private readonly listeners: ListenerRegistry,
    private readonly relay: OutboxRelay,
    private readonly cls: ClsService,
    private readonly metrics: TxMsgMetrics,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.worker = new PeriodicWorker(
      this.logger,
      options.check.scanIntervalMs,
      async () => (await this.checkOnce()) > 0,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Checks every due half message once; returns how many were checked. */
  async checkOnce(): Promise<number> {
    const rows = await this.claim();
    let committed = false;
    for (const row of rows) {
      const state = await this.ask(row);
      this.metrics.checkBackAnswered(state);
      const ready = await applyCheckAnswer(this.store, this.logger, row, state, this.options.check.maxChecks);
      committed = ready || committed;
    }
    if (committed) setImmediate(() => this.relay.wake());
    return rows.length;
  }

  /**
   * Asks the listener in a check-back span, a child of the write that stored the half message, so
   * the listener's queries join the trace of the transaction it is asked about.
   */
  private async ask(row: PreparedRow): Promise<CheckAnswer> {
    const parent = contextOfCarrier(carrierOf(row.trace_context));
    const span = startSpan('check-back', row.tx_group, SpanKind.INTERNAL, parent);
    const listener = this.listeners.find(row.tx_group);
    if (span === NO_SPAN) return askListener(listener, row, this.cls, this.logger);
    const state = await context.with(trace.setSpan(parent, span), () =>
      askListener(listener, row, this.cls, this.logger),
    );
    if (span.isRecording()) {
      span.setAttributes({ 'messaging.message.id': row.message_id, 'txmsg.check.count': row.check_count });
      span.setAttribute('txmsg.check.state', state);
    }
    endSpan(span);
    return state;
  }

  /** Leases up to 20 due half messages: counts their check and moves their next check ahead. */
  private claim(): Promise<PreparedRow[]> {
    return this.store.leasePrepared(this.options.check.intervalMs);
  }
}

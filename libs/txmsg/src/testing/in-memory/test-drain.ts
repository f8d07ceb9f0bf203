import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import type { ConfirmedPublisher } from '../../broker/confirmed-publisher';
import { jsonDeserializer } from '../../consumer/json-deserializer';
import { sendRetry } from '../../consumer/retry-dispatch';
import type { TxMsgFailureEvent } from '../../failure-hooks/failure-event';
import { FailureHookRegistry } from '../../failure-hooks/failure-hook-registry';
import { publishOptionsOf } from '../../outbox/outbox-row';
import type { OutboxStore } from '../../store/outbox-store';
import { applyCheckAnswer } from '../../transaction/apply-check-answer';
import { askListener } from '../../transaction/ask-listener';
import { ListenerRegistry } from '../../transaction/listener-registry';
import { TXMSG_OPTIONS } from '../../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../../txmsg.options';
import { InMemoryBroker } from './in-memory-broker';
import { InMemoryFailureStore } from './in-memory-failure-store';
import { InMemoryOutboxStore } from './in-memory-outbox-store';
import { TestFailureAnnouncer } from './test-doubles';

/** More steps than this in one drain are taken for a loop (a handler that publishes what it consumes). */
const MAX_STEPS = 10_000;

/**
 * The work of the real module's timed workers — relay, delayed release, retry scheduler, failure
 * hook dispatcher, check-back — done on demand for the test harness, with every delay taken as
 * elapsed. Each step uses the library's own code where it has one: the publish properties of an
 * outbox row, the retry sent back to its queue, the check-back answer applied.
 */
@Injectable()
export class TestDrain {
  private readonly logger = new Logger('TxMsgTestHarness');
  private readonly parse: (content: Buffer) => unknown;

  constructor(
    private readonly outbox: InMemoryOutboxStore,
    private readonly failures: InMemoryFailureStore,
    private readonly broker: InMemoryBroker,
    private readonly announcer: TestFailureAnnouncer,
    private readonly hooks: FailureHookRegistry,
    private readonly listeners: ListenerRegistry,
    private readonly cls: ClsService,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.parse = jsonDeserializer(options.messages);
  }

  /** Runs until nothing is left: deliveries, then publishes, delayed messages, retries, hooks. */
  async drain(): Promise<void> {
    const throwing: TxMsgFailureEvent[] = [];
    try {
      for (let steps = 0; steps < MAX_STEPS; steps++) if (!(await this.step(throwing))) return;
    } finally {
      this.announcer.announceAgain(throwing);
    }
    throw new Error(`drain: still delivering after ${MAX_STEPS} steps; does a handler publish what it consumes?`);
  }

  /** Asks the listener of every half message once; returns how many were asked. */
  async checkBack(): Promise<number> {
    const rows = this.outbox.leasePrepared();
    for (const row of rows) {
      const state = await askListener(this.listeners.find(row.tx_group), row, this.cls, this.logger);
      // The in-memory store has the two methods the answer is applied with.
      await applyCheckAnswer(
        this.outbox as unknown as OutboxStore,
        this.logger,
        row,
        state,
        this.options.check.maxChecks,
      );
    }
    return rows.length;
  }

  /** One step of the drain; false when there was nothing to do. */
  private async step(throwing: TxMsgFailureEvent[]): Promise<boolean> {
    const delivery = this.broker.take();
    if (delivery) {
      await delivery.subscription.call(this.parse(delivery.message.content), delivery.message);
      return true;
    }
    const ready = this.outbox.takeReady();
    for (const row of ready) {
      const properties = publishOptionsOf(row, this.options.service);
      await this.broker.publish(row.exchange, row.routing_key, Buffer.from(row.payload), properties);
    }
    if (ready.length > 0 || this.outbox.releaseScheduled() > 0) return true;
    const retries = this.failures.takeWaiting();
    // The in-memory broker takes the retry scheduler's publish: only `publish` is called.
    for (const retry of retries) await sendRetry(this.broker as unknown as ConfirmedPublisher, retry);
    if (retries.length > 0) return true;
    return (await this.runHooks(throwing)) > 0;
  }

  /** Runs the hooks of every announcement; those of an event where one threw run again at the next drain. */
  private async runHooks(throwing: TxMsgFailureEvent[]): Promise<number> {
    const events = this.announcer.takeAnnounced();
    for (const event of events) {
      let threw = false;
      for (const hook of this.hooks.of(event.outcome)) {
        try {
          await this.cls.run(() => hook.run(event));
        } catch (error) {
          this.logger.warn(`failure hook ${hook.name} threw on ${event.id}: ${String(error)}`);
          threw = true;
        }
      }
      if (threw) throwing.push(event);
    }
    return events.length;
  }
}

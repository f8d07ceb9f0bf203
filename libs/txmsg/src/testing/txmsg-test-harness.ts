import { Inject, Injectable, Logger, type Type } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import type { ConfirmedPublisher } from '../broker/confirmed-publisher';
import { jsonDeserializer } from '../consumer/json-deserializer';
import { sendRetry } from '../consumer/retry-dispatch';
import { newMessageId, toPublishOptions } from '../envelope';
import type { TxMsgFailureEvent } from '../failure-hooks/failure-event';
import { FailureHookRegistry } from '../failure-hooks/failure-hook-registry';
import { publishOptionsOf } from '../outbox/outbox-row';
import type { OutboxStore } from '../store/outbox-store';
import { applyCheckAnswer } from '../transaction/apply-check-answer';
import { askListener } from '../transaction/ask-listener';
import { ListenerRegistry } from '../transaction/listener-registry';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { ConsumerBindings } from './in-memory/consumer-bindings';
import { InMemoryBroker } from './in-memory/in-memory-broker';
import { type FailureEntry, InMemoryFailureStore } from './in-memory/in-memory-failure-store';
import { InMemoryOutboxStore } from './in-memory/in-memory-outbox-store';
import type { ConsumedMessage } from './in-memory/test-consumer-runtime';
import { TestConsumerRuntime } from './in-memory/test-consumer-runtime';
import { TestFailureAnnouncer } from './in-memory/test-doubles';
import { type MessageRef, type PublishedMessage, publishedOf, routingKeyOfRef } from './published-message';
import type { RawBody } from './broker-test-client';

/** More steps than this in one drain are taken for a loop (a handler that publishes what it consumes). */
const MAX_STEPS = 10_000;

/** Options of {@link TxMsgTestHarness.deliver}. */
export interface TestDeliverOptions {
  /** Default: a new id. Give the id of an earlier message to replay it. */
  messageId?: string;
  headers?: Record<string, unknown>;
  /** The producing service (`appId`). Default: the testing module's `service`. */
  source?: string;
  correlationId?: string;
  /** Default: the module's exchange (`txmsg.events`). */
  exchange?: string;
}

/**
 * What a test asserts on, and the broker's clock, under {@link TxMsgTestingModule}. Nothing is
 * delivered until {@link drain}: a publisher test sees what its transaction committed with
 * {@link published}, and a consumer test runs deliveries to completion with `await harness.drain()`.
 */
@Injectable()
export class TxMsgTestHarness {
  private readonly logger = new Logger('TxMsgTestHarness');
  private readonly parse: (content: Buffer) => unknown;

  constructor(
    private readonly outbox: InMemoryOutboxStore,
    private readonly failures: InMemoryFailureStore,
    private readonly broker: InMemoryBroker,
    private readonly runtime: TestConsumerRuntime,
    private readonly bindings: ConsumerBindings,
    private readonly announcer: TestFailureAnnouncer,
    private readonly hooks: FailureHookRegistry,
    private readonly listeners: ListenerRegistry,
    private readonly cls: ClsService,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {
    this.parse = jsonDeserializer(options.messages);
  }

  /**
   * The messages whose transaction committed, in commit order (and write order within one):
   * published, to be published at the next {@link drain}, or delayed (`delayMs`; a delayed one
   * cancelled before it was due is left out). Nothing of a transaction that rolled back or is
   * still open; a half message (`UNKNOWN`) only once {@link checkBack} commits it.
   */
  published<T>(ref: Type<T>): PublishedMessage<T>[];
  published(ref?: string): PublishedMessage[];
  published(ref?: MessageRef): PublishedMessage[] {
    const routingKey = ref === undefined ? undefined : routingKeyOfRef(ref);
    return this.outbox
      .sent()
      .map(publishedOf)
      .filter((m) => routingKey === undefined || m.routingKey === routingKey);
  }

  /**
   * Delivers everything that is due, to completion: every committed message to the `@Idempotent`
   * handlers whose subscription matches it (routing-key topic patterns, `*` and `#`), then the
   * messages those handlers committed, then delayed messages, then retries — every delay (a
   * message's, a rung of the retry ladder) taken as elapsed — and the `@OnTxMsgFailure` hooks of
   * what was parked, until nothing is left. A failure hook that throws runs again at the next drain.
   * @throws Error when the module was not initialised, or after 10 000 steps (a loop).
   */
  async drain(): Promise<void> {
    this.assertInitialised();
    const throwing: TxMsgFailureEvent[] = [];
    try {
      await this.drainSteps(throwing);
    } finally {
      this.announcer.announceAgain(throwing);
    }
  }

  private async drainSteps(throwing: TxMsgFailureEvent[]): Promise<void> {
    for (let steps = 0; steps < MAX_STEPS; steps++) {
      const delivery = this.broker.take();
      if (delivery) {
        await delivery.subscription.call(this.parse(delivery.message.content), delivery.message);
        continue;
      }
      const ready = this.outbox.takeReady();
      for (const row of ready) {
        const properties = publishOptionsOf(row, this.options.service);
        await this.broker.publish(row.exchange, row.routing_key, Buffer.from(row.payload), properties);
      }
      if (ready.length > 0 || this.outbox.releaseScheduled() > 0) continue;
      const retries = this.failures.takeWaiting();
      // The in-memory broker takes the retry scheduler's publish: only `publish` is called.
      for (const retry of retries) await sendRetry(this.broker as unknown as ConfirmedPublisher, retry);
      if (retries.length > 0) continue;
      if ((await this.runHooks(throwing)) === 0) return;
    }
    throw new Error(`drain: still delivering after ${MAX_STEPS} steps; does a handler publish what it consumes?`);
  }

  /**
   * Publishes a message straight to the broker, as another service (or a replay) would, then
   * {@link drain}s. `body`: an object as JSON, a string as UTF-8, a Buffer as it is.
   */
  async deliver(ref: MessageRef, body: RawBody, options: TestDeliverOptions = {}): Promise<void> {
    const routingKey = routingKeyOfRef(ref);
    const id = options.messageId ?? newMessageId();
    const envelope = {
      id,
      type: routingKey,
      source: options.source ?? this.options.service,
      time: Date.now(),
      correlationId: options.correlationId ?? id,
    };
    const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const exchange = options.exchange ?? this.options.broker.exchange;
    await this.broker.publish(exchange, routingKey, content, toPublishOptions(envelope, options.headers));
    await this.drain();
  }

  /**
   * Asks the listener of every half message (a transactional message left `UNKNOWN`) once, as
   * check-back does when it is due: COMMIT sends it (at the next drain), ROLLBACK discards it, and
   * so does running out of `check.maxChecks`. Returns how many were asked.
   */
  async checkBack(): Promise<number> {
    const rows = this.outbox.leasePrepared();
    for (const row of rows) {
      const state = await askListener(this.listeners.find(row.tx_group), row, this.cls, this.logger);
      // Check-back's own decision, on the in-memory store: it calls `commitPrepared` or `discardPrepared` only.
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

  /** Every delivery to a consumer (its name, or the class declaring it; all when omitted), in order. */
  consumed<T = unknown>(consumer?: string | Type): ConsumedMessage<T>[] {
    return this.runtime.consumed.filter((m) => this.isOf(m.consumer, consumer)) as ConsumedMessage<T>[];
  }

  /** The deliveries whose handler ran and committed: each message applied once shows once. */
  applied<T = unknown>(consumer?: string | Type): ConsumedMessage<T>[] {
    return this.consumed<T>(consumer).filter((m) => m.outcome === 'applied');
  }

  /** The parked messages (status, reason, attempts, last error), as the admin API would list them. */
  parked(consumer?: string | Type): FailureEntry[] {
    return this.failures.all().filter((f) => f.status === 'PARKED' && this.isOf(f.consumer, consumer));
  }

  /** The failure rows of messages still on the retry ladder or parked, oldest first. */
  failed(consumer?: string | Type): FailureEntry[] {
    return this.failures.all().filter((f) => this.isOf(f.consumer, consumer));
  }

  private isOf(name: string, consumer: string | Type | undefined): boolean {
    if (consumer === undefined) return true;
    if (typeof consumer === 'string') return name === consumer;
    return this.bindings.consumersOf(consumer).includes(name);
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

  private assertInitialised(): void {
    if (!this.bindings.initialised) {
      throw new Error('TxMsgTestHarness: the testing module is not initialised; call `await moduleRef.init()` first');
    }
  }
}

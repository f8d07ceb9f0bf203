import { Inject, Injectable, type Type } from '@nestjs/common';
import { newMessageId, toPublishOptions } from '../envelope';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import type { RawBody } from './broker-test-client';
import { ConsumerBindings } from './in-memory/consumer-bindings';
import { InMemoryBroker } from './in-memory/in-memory-broker';
import { type FailureEntry, InMemoryFailureStore } from './in-memory/in-memory-failure-store';
import { InMemoryOutboxStore } from './in-memory/in-memory-outbox-store';
import { type ConsumedMessage, TestConsumerRuntime } from './in-memory/test-consumer-runtime';
import { TestDrain } from './in-memory/test-drain';
import { type MessageRef, type PublishedMessage, publishedOf, routingKeyOfRef } from './published-message';

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
  constructor(
    private readonly outbox: InMemoryOutboxStore,
    private readonly failures: InMemoryFailureStore,
    private readonly broker: InMemoryBroker,
    private readonly runtime: TestConsumerRuntime,
    private readonly bindings: ConsumerBindings,
    private readonly drainer: TestDrain,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

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
    await this.drainer.drain();
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
    return this.drainer.checkBack();
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

  private assertInitialised(): void {
    if (!this.bindings.initialised) {
      throw new Error('TxMsgTestHarness: the testing module is not initialised; call `await moduleRef.init()` first');
    }
  }
}

import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import { ConfirmedPublisher } from '../broker/confirmed-publisher';
import { DeadLetterQueues } from '../broker/dead-letter-queues';
import { ConsumerRuntime } from '../consumer/consumer-runtime';
import { FailureRecorder } from '../consumer/failure-recorder';
import { RetryPolicies } from '../consumer/retry-policies';
import { RetryScheduler } from '../consumer/retry-scheduler';
import { FailureAnnouncer } from '../failure-hooks/failure-announcer';
import { FailureHookRegistry } from '../failure-hooks/failure-hook-registry';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { correlationIdOf, type WithHeaders } from '../module/correlation-id';
import { HeldSender } from '../ordering/held-sender';
import { CommitDispatcher } from '../outbox/commit-dispatcher';
import { DelayedRelease } from '../outbox/delayed-release';
import { Outbox } from '../outbox/outbox';
import { OutboxRelay } from '../outbox/outbox-relay';
import { OutboxWriter } from '../outbox/outbox-writer';
import { DedupStore } from '../store/dedup-store';
import { FailureStore } from '../store/failure-store';
import { OrderingStore } from '../store/ordering-store';
import { OutboxStore } from '../store/outbox-store';
import { ListenerRegistry } from '../transaction/listener-registry';
import { TransactionProducer } from '../transaction/transaction-producer';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import { ConsumerBindings } from './in-memory/consumer-bindings';
import { InMemoryBroker } from './in-memory/in-memory-broker';
import { InMemoryDedupStore } from './in-memory/in-memory-dedup-store';
import { InMemoryFailureStore } from './in-memory/in-memory-failure-store';
import { InMemoryOrderingStore } from './in-memory/in-memory-ordering-store';
import { InMemoryOutboxStore } from './in-memory/in-memory-outbox-store';
import { inMemoryTransactionalAdapter, stubClient } from './in-memory/in-memory-transactional-adapter';
import { TestConsumerRuntime } from './in-memory/test-consumer-runtime';
import { TestDrain } from './in-memory/test-drain';
import {
  IdleDispatcher,
  IdleWorker,
  NoDeadLetterQueues,
  OutcomeMetrics,
  TestFailureAnnouncer,
} from './in-memory/test-doubles';
import { TestTransactions } from './in-memory/test-transactions';
import { type TxMsgTestingOptions, testingOptionsOf } from './testing-options';
import { TxMsgTestHarness } from './txmsg-test-harness';

/**
 * TxMsgModule for unit tests, with no database and no broker: import it instead of TxMsgModule.
 * The application's code gets the same injectables — `Outbox`, `TransactionProducer`,
 * `TransactionHost` (nestjs-cls with an in-memory transactional adapter, so `@Transactional()`
 * and `withTransaction` commit and roll back) — backed by the library's own outbox writer,
 * transactional producer, consumer runtime, retry policies and failure hooks over in-memory
 * stores; and {@link TxMsgTestHarness} to assert on and to deliver. No connection is ever opened.
 *
 * Call `await moduleRef.init()` after `compile()`: consumers and listeners are found then.
 */
@Module({})
export class TxMsgTestingModule {
  static forRoot(options: TxMsgTestingOptions = {}): DynamicModule {
    // One set of transactions per testing module, shared by its adapter and its stores.
    const transactions = new TestTransactions();
    const idle = new IdleWorker();
    return {
      module: TxMsgTestingModule,
      global: true,
      imports: [
        DiscoveryModule,
        ClsModule.forRoot({
          global: true,
          middleware: { mount: true, generateId: true, idGenerator: (req: WithHeaders) => correlationIdOf(req) },
          plugins: [
            new ClsPluginTransactional({
              adapter: inMemoryTransactionalAdapter(transactions, options.tx ?? stubClient()),
            }),
          ],
        }),
      ],
      providers: [
        { provide: TXMSG_OPTIONS, useValue: testingOptionsOf(options) },
        { provide: TestTransactions, useValue: transactions },
        InMemoryOutboxStore,
        InMemoryOrderingStore,
        InMemoryDedupStore,
        InMemoryFailureStore,
        InMemoryBroker,
        OutcomeMetrics,
        TestFailureAnnouncer,
        { provide: OutboxStore, useExisting: InMemoryOutboxStore },
        { provide: OrderingStore, useExisting: InMemoryOrderingStore },
        { provide: DedupStore, useExisting: InMemoryDedupStore },
        { provide: FailureStore, useExisting: InMemoryFailureStore },
        { provide: ConfirmedPublisher, useExisting: InMemoryBroker },
        { provide: TxMsgMetrics, useExisting: OutcomeMetrics },
        { provide: FailureAnnouncer, useExisting: TestFailureAnnouncer },
        { provide: CommitDispatcher, useValue: new IdleDispatcher() },
        { provide: OutboxRelay, useValue: idle },
        { provide: DelayedRelease, useValue: idle },
        { provide: RetryScheduler, useValue: idle },
        { provide: HeldSender, useValue: idle },
        { provide: DeadLetterQueues, useValue: new NoDeadLetterQueues() },
        // The library's own mechanisms, over the stores above.
        Outbox,
        OutboxWriter,
        ListenerRegistry,
        TransactionProducer,
        RetryPolicies,
        FailureHookRegistry,
        FailureRecorder,
        ConsumerRuntime,
        TestConsumerRuntime,
        ConsumerBindings,
        TestDrain,
        TxMsgTestHarness,
      ],
      exports: [TXMSG_OPTIONS, Outbox, TransactionProducer, TxMsgTestHarness],
    };
  }
}

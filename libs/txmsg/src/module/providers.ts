import { AdminTokenGuard } from '../admin/admin-token.guard';
import { BrokerHealthIndicator } from '../broker/broker-health.indicator';
import { ConfirmedPublisher } from '../broker/confirmed-publisher';
import { DeadLetterQueues } from '../broker/dead-letter-queues';
import { SubscriptionSetup } from '../broker/subscription-setup';
import { CONSOLE_PROVIDERS } from '../console';
import { ConsumerRuntime } from '../consumer/consumer-runtime';
import { ConsumerShutdown } from '../consumer/consumer-shutdown';
import { FailureQueries } from '../consumer/failure-queries';
import { FailureRecorder } from '../consumer/failure-recorder';
import { FailureSkip } from '../consumer/failure-skip';
import { RetryPolicies } from '../consumer/retry-policies';
import { FailureAnnouncer } from '../failure-hooks/failure-announcer';
import { FailureHookDispatcher } from '../failure-hooks/failure-hook-dispatcher';
import { FailureHookRegistry } from '../failure-hooks/failure-hook-registry';
import { RetryScheduler } from '../consumer/retry-scheduler';
import { Housekeeper } from '../housekeeping/housekeeper';
import { TxMsgMetrics } from '../metrics/txmsg-metrics';
import { HttpNotifier } from '../notify/http-notifier';
import { CommitDispatcher } from '../outbox/commit-dispatcher';
import { DelayedRelease } from '../outbox/delayed-release';
import { Outbox } from '../outbox/outbox';
import { CqrsOutbox } from '../outbox/cqrs/cqrs-outbox';
import { OutboxPublisher } from '../outbox/outbox-publisher';
import { OutboxRelay } from '../outbox/outbox-relay';
import { OutboxWriter } from '../outbox/outbox-writer';
import { DedupStore } from '../store/dedup-store';
import { FailureHookStore } from '../store/failure-hook-store';
import { FailureStore } from '../store/failure-store';
import { NotificationQueries } from '../store/notification-queries';
import { NotificationStore } from '../store/notification-store';
import { OutboxStore } from '../store/outbox-store';
import { OrderingStore } from '../store/ordering-store';
import { HeldSender } from '../ordering/held-sender';
import { OrderingKeys } from '../ordering/ordering-keys';
import { SchemaCheck } from '../schema/schema-check';
import { StoreDatabase } from '../store/store-database';
import { CheckBackService } from '../transaction/check-back';
import { ListenerRegistry } from '../transaction/listener-registry';
import { TransactionProducer } from '../transaction/transaction-producer';
import { TransactionHooks } from '../transaction-hooks/transaction-hooks';
import { TXMSG_METRICS_REGISTRY } from '../txmsg.constants';

/** Every provider of TxMsgModule. */
export const TXMSG_PROVIDERS = [
  StoreDatabase,
  SchemaCheck,
  DedupStore,
  FailureStore,
  FailureHookStore,
  OutboxStore,
  NotificationStore,
  NotificationQueries,
  OrderingStore,
  HeldSender,
  OrderingKeys,
  AdminTokenGuard,
  ...CONSOLE_PROVIDERS,
  TxMsgMetrics,
  { provide: TXMSG_METRICS_REGISTRY, inject: [TxMsgMetrics], useFactory: (m: TxMsgMetrics) => m.registry },
  BrokerHealthIndicator,
  ConfirmedPublisher,
  DeadLetterQueues,
  SubscriptionSetup,
  ConsumerRuntime,
  ConsumerShutdown,
  FailureQueries,
  FailureSkip,
  FailureRecorder,
  RetryPolicies,
  FailureHookRegistry,
  FailureHookDispatcher,
  FailureAnnouncer,
  RetryScheduler,
  Housekeeper,
  HttpNotifier,
  Outbox,
  OutboxRelay,
  CommitDispatcher,
  DelayedRelease,
  OutboxWriter,
  OutboxPublisher,
  TransactionHooks,
  CqrsOutbox,
  CheckBackService,
  ListenerRegistry,
  TransactionProducer,
];

/**
 * What the host application may inject: the contract it codes against. Runtime internals
 * (relay, schedulers, housekeeper, metrics, check-back, failure records) are not exported; the
 * library's own tests reach them with `app.get(X, { strict: false })`.
 */
export const TXMSG_EXPORTS = [
  TXMSG_METRICS_REGISTRY,
  AdminTokenGuard,
  BrokerHealthIndicator,
  Outbox,
  TransactionProducer,
  DeadLetterQueues,
  HttpNotifier,
];

// Public API of txmsg. Everything a service needs is exported here; nothing else is.

// Module and options
export { TxMsgModule, type TxMsgModuleAsyncOptions } from './txmsg.module';
export {
  DEFAULT_LADDER_MS,
  assertValid,
  withDefaults,
  type ResolvedTxMsgOptions,
  type TxMsgBrokerOptions,
  type TxMsgCheckOptions,
  type TxMsgConsumerOptions,
  type TxMsgHousekeepingOptions,
  type TxMsgModuleOptions,
  type TxMsgNotifyOptions,
  type TxMsgRelayOptions,
  type TxMsgRetryOptions,
} from './txmsg.options';
export { TXMSG_OPTIONS, ATTEMPT_HEADER } from './txmsg.constants';
export { ladderDelay, parseDuration, parseLadder } from './duration';
export {
  CreateTxMsgNotificationTables1764000000002,
  CreateTxMsgTables1764000000000,
  ExactTxMsgKeys1764000000003,
  TXMSG_MIGRATIONS,
} from './schema';

// Messages
export { envelopeOf, newMessageId, toPublishOptions, type MessageEnvelope } from './envelope';

// Producer: outbox (CQRS style)
export { IntegrationEvent, routingKeyOf } from './outbox/integration-event.decorator';
export { Outbox, OutsideTransactionError, type OutgoingMessage } from './outbox/outbox';
export { OutboxRelay } from './outbox/outbox-relay';
export { ConfirmedPublisher, UnroutableMessageError } from './broker/confirmed-publisher';

// Producer: transactional messages (RocketMQ parity)
export {
  LocalTransactionState,
  type LocalTransactionListener,
  type TransactionMessage,
} from './transaction/local-transaction-state';
export {
  TransactionalListener,
  type TransactionalListenerOptions,
} from './transaction/transactional-listener.decorator';
export {
  TransactionProducer,
  type TransactionSendOptions,
  type TransactionSendResult,
} from './transaction/transaction-producer';
export type { ArgOf, PayloadOf } from './transaction/listener-types';
export { CheckBackService } from './transaction/check-back';

// Consumer
export { Idempotent, type IdempotentOptions } from './consumer/idempotent.decorator';
export { PoisonMessage, UnrecoverableMessageError } from './consumer/poison-message';
export { validateMessage } from './consumer/validate-message';
export {
  FailureStore,
  type FailedMessage,
  type FailedMessagePage,
  type FailureStatus,
  type ParkReason,
} from './consumer/failure-store';
export { InvalidCursorError } from './consumer/failure-cursor';
export { RetryScheduler } from './consumer/retry-scheduler';

// Operations
export { AdminTokenGuard } from './admin/admin-token.guard';
export { BrokerHealthIndicator } from './broker/broker-health.indicator';
export { TxMsgMetrics, type ConsumeOutcome } from './metrics/txmsg-metrics';
export { Housekeeper } from './housekeeping/housekeeper';
export { isDuplicateKeyError, isRetryableTransactionError, withDeadlockRetry } from './support/deadlock';
export { CRASH_POINTS, type CrashPoint } from './support/crash-point';

// Best-effort notification
export { HttpNotifier, type NotificationRequest } from './notify/http-notifier';
export { type NotificationAttempt, type NotificationRecord, type NotificationStatus } from './notify/notification-log';
export { type AttemptFailure } from './notify/attempt-outcome';
export { type NotifyUrlRefusal, type NotifyUrlRefusalReason } from './notify/notify-targets';
export { isPublicAddress } from './notify/public-address';
export {
  WEBHOOK_HEADERS,
  WEBHOOK_SECRET_PREFIX,
  WEBHOOK_TOLERANCE_SECONDS,
  WebhookVerificationError,
  signWebhook,
  verifyWebhook,
  webhookKey,
} from './notify/webhook-signature';

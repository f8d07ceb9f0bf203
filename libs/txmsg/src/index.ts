// Public API of @txmsg/nestjs: what a service imports. Runtime internals (relay, publisher,
// schedulers, housekeeper, stores) stay inside the package; its own tests reach them by path.

// Module and options
export { TxMsgModule, type TxMsgModuleAsyncOptions } from './txmsg.module';
export type {
  TxMsgAdminOptions,
  TxMsgBrokerOptions,
  TxMsgCheckOptions,
  TxMsgConsoleOptions,
  TxMsgConsumerOptions,
  TxMsgHousekeepingOptions,
  TxMsgMessageOptions,
  TxMsgMetricsOptions,
  TxMsgModuleOptions,
  TxMsgNotifyOptions,
  TxMsgRelayOptions,
  TxMsgRetryOptions,
  TxMsgRuntimeOptions,
  TxMsgShapeOptions,
  TxMsgSigningOptions,
} from './txmsg.options';
export { parseDuration } from './duration';
export { parseLadder } from './ladder';
export { TXMSG_MIGRATIONS } from './schema';
export { correlationIdOf, type WithHeaders } from './module/correlation-id';

// Producer: integration events through the outbox
export {
  IntegrationEvent,
  type IntegrationEventOptions,
  orderingKeyOf,
  routingKeyOf,
} from './outbox/integration-event.decorator';
export { ORDERING_HEADERS } from './ordering/ordering-headers';
export type { OrderedConsumerOptions } from './ordering/ordered-options';
export type { BlockedKey } from './store/ordering-store';
export { MessageTooLargeError, Outbox, OutsideTransactionError, type OutgoingMessage } from './outbox/outbox';
export { type DelayOptions, InvalidDelayError, MAX_DELAY_MS } from './outbox/delay';
export { SIGNATURE_HEADERS, messageSignature, type SignedFields } from './signing/message-signature';
export { type MessageEnvelope } from './envelope';

// Producer: transactional messages with check-back (RocketMQ's model)
export { LocalTransactionState } from './transaction/local-transaction-state';
export type { LocalTransactionListener } from './transaction/local-transaction-listener';
export type { TransactionMessage } from './transaction/transaction-message';
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

// Consumer
export { Idempotent, type IdempotentOptions } from './consumer/idempotent.decorator';
export { type IntegrationEventHandler, OnIntegrationEvent } from './consumer/on-integration-event.decorator';
export type {
  EventDedupKey,
  EventKeyProperty,
  OnIntegrationEventOptions,
} from './consumer/on-integration-event-options';
export type { DedupKeyContext, MessageContext } from './consumer/message-context';
export { PoisonMessage, UnrecoverableMessageError } from './consumer/poison-message';
export type { TxMsgRetryPolicy } from './retry/retry-policy';
export type { ConsumerRetryPolicy, ErrorClass } from './consumer/consumer-retry-policy';
export { OnTxMsgFailure } from './failure-hooks/on-txmsg-failure.decorator';
export type {
  ExhaustedNotificationEvent,
  ParkedMessageEvent,
  TxMsgFailureEvent,
  TxMsgFailureOutcome,
} from './failure-hooks/failure-event';
export { validateMessage } from './consumer/validate-message';
export { isDuplicateKeyError, withDeadlockRetry } from './support/deadlock';
export { dialectOf, type DialectName, type SqlDialect } from './store/sql-dialect';

// Operations: admin guard, health, metrics
export { AdminTokenGuard } from './admin/admin-token.guard';
export { BrokerHealthIndicator } from './broker/broker-health.indicator';
export { DeadLetterQueues, type DeadLetterQueue } from './broker/dead-letter-queues';
export { TXMSG_METRICS_REGISTRY } from './txmsg.constants';
export { maskCredentials } from './support/mask-credentials';

// Best-effort HTTP notification, and webhook verification for its receivers
export { HttpNotifier } from './notify/http-notifier';
export { type NotificationRequest } from './notify/notification-request';
export { type NotificationAttempt, type NotificationRecord, type NotificationStatus } from './notify/notification-log';
export { type AttemptFailure } from './notify/attempt-outcome';
export { type NotifyUrlRefusal, type NotifyUrlRefusalReason } from './notify/notify-targets';
export type { NotifyRetryPolicy } from './notify/receiver-retry-policy';
export { canonicalReceiver } from './notify/notify-receiver';
export { redactedUrl } from './notify/redacted-url';
export {
  WEBHOOK_HEADERS,
  WEBHOOK_SECRET_PREFIX,
  WEBHOOK_TOLERANCE_SECONDS,
  WebhookVerificationError,
  signWebhook,
  verifyWebhook,
} from './notify/webhook-signature';

/** Injection token of the resolved {@link ResolvedTxMsgOptions}. */
export const TXMSG_OPTIONS = Symbol('TXMSG_OPTIONS');
/** Metadata key of {@link TransactionalListener}. */
export const TRANSACTIONAL_LISTENER = Symbol('TXMSG_TRANSACTIONAL_LISTENER');
/** Metadata key of {@link IntegrationEvent}. */
export const INTEGRATION_EVENT = Symbol('TXMSG_INTEGRATION_EVENT');
/** AMQP header carrying how many times a consumer has already failed on this message. */
export const ATTEMPT_HEADER = 'x-txmsg-attempt';
/**
 * Injection token of the prom-client `Registry` holding the library's metrics. A host that
 * serves its own `/metrics` merges it (`Registry.merge([register, txmsgRegistry])`) instead of
 * enabling the library's endpoint.
 */
export const TXMSG_METRICS_REGISTRY = Symbol('TXMSG_METRICS_REGISTRY');
/** AMQP header set on a message the library sent back to its queue for another try. */
export const REDELIVERED_HEADER = 'x-txmsg-redelivered';

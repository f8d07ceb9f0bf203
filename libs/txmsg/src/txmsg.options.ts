// The module's options: types by area, defaults, validation (pure, unit-tested).
export type { TxMsgConsumerOptions } from './options/consumer-options';
export type { TxMsgMessageOptions, TxMsgSigningOptions } from './options/message-options';
export type { TxMsgHousekeepingOptions } from './options/housekeeping-options';
export type { TxMsgRetryOptions } from './options/retry-options';
export type { TxMsgModuleOptions, TxMsgRuntimeOptions } from './options/module-options';
export type { ResolvedTxMsgOptions } from './options/resolved-options';
export type { TxMsgNotifyOptions } from './options/notify-options';
export type { TxMsgBrokerOptions } from './options/broker-options';
export type { TxMsgCheckOptions } from './options/check-options';
export type { TxMsgRelayOptions } from './options/relay-options';
export type { TxMsgAdminOptions } from './options/admin-options';
export type { TxMsgMetricsOptions } from './options/metrics-options';
export type { TxMsgConsoleOptions } from './options/console-options';
export type { TxMsgShapeOptions } from './options/shape-options';
export { assertValid } from './options/assert-valid';
export { DEFAULT_LADDER_MS, withDefaults } from './options/with-defaults';

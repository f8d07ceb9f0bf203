// The module's options: types by area, defaults, validation (pure, unit-tested).
export type { TxMsgConsumerOptions, TxMsgHousekeepingOptions, TxMsgRetryOptions } from './options/consumer-options';
export type { ResolvedTxMsgOptions, TxMsgModuleOptions, TxMsgRuntimeOptions } from './options/module-options';
export type { TxMsgNotifyOptions } from './options/notify-options';
export type { TxMsgBrokerOptions, TxMsgCheckOptions, TxMsgRelayOptions } from './options/producer-options';
export type { TxMsgAdminOptions, TxMsgMetricsOptions, TxMsgShapeOptions } from './options/shape-options';
export { assertValid } from './options/assert-valid';
export { DEFAULT_LADDER_MS, withDefaults } from './options/with-defaults';

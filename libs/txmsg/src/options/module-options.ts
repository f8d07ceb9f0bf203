import type { CrashPoint } from '../support/crash-point';
import type { TxMsgConsumerOptions } from './consumer-options';
import type { TxMsgMessageOptions } from './message-options';
import type { TxMsgHousekeepingOptions } from './housekeeping-options';
import type { TxMsgRetryOptions } from './retry-options';
import type { TxMsgNotifyOptions } from './notify-options';
import type { TxMsgBrokerOptions } from './broker-options';
import type { TxMsgCheckOptions } from './check-options';
import type { TxMsgRelayOptions } from './relay-options';
import type { TxMsgShapeOptions } from './shape-options';

/** Options of {@link TxMsgModule}. */
export interface TxMsgModuleOptions extends TxMsgRuntimeOptions, TxMsgShapeOptions {}

/** The options a factory of {@link TxMsgModule.forRootAsync} gives: all but those that shape the module. */
export interface TxMsgRuntimeOptions {
  /** Name of this service: the `source` of every message it sends and the prefix of its queues. */
  service: string;
  broker: TxMsgBrokerOptions;
  relay?: TxMsgRelayOptions;
  check?: TxMsgCheckOptions;
  retry?: TxMsgRetryOptions;
  consumer?: TxMsgConsumerOptions;
  /** Size and nesting limits, and signatures, of every message sent and received. */
  messages?: TxMsgMessageOptions;
  housekeeping?: TxMsgHousekeepingOptions;
  notify?: TxMsgNotifyOptions;
  /** Fault injection for tests: kill the process at this point (see {@link CrashPoint}). Never in production. */
  crashPoint?: CrashPoint;
}

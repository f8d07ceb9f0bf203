import type { CrashPoint } from '../support/crash-point';
import type { TxMsgConsumerOptions } from './consumer-options';
import type { TxMsgMessageOptions, TxMsgSigningOptions } from './message-options';
import type { TxMsgHousekeepingOptions } from './housekeeping-options';
import type { TxMsgRetryOptions } from './retry-options';
import type { TxMsgNotifyOptions } from './notify-options';
import type { TxMsgBrokerOptions } from './broker-options';
import type { TxMsgCheckOptions } from './check-options';
import type { TxMsgRelayOptions } from './relay-options';
import type { TxMsgMetricsOptions } from './metrics-options';
import type { TxMsgShapeOptions } from './shape-options';

/** {@link TxMsgModuleOptions} with every default filled in. */
export interface ResolvedTxMsgOptions {
  service: string;
  broker: Required<TxMsgBrokerOptions>;
  relay: Required<TxMsgRelayOptions>;
  check: Required<TxMsgCheckOptions>;
  retry: Required<TxMsgRetryOptions>;
  consumer: Required<TxMsgConsumerOptions>;
  messages: Required<Omit<TxMsgMessageOptions, 'signing'>> & { signing?: Required<TxMsgSigningOptions> };
  housekeeping: Required<TxMsgHousekeepingOptions>;
  notify: Omit<Required<TxMsgNotifyOptions>, 'secret'> & { secret?: string };
  admin: false | { token?: string; path: string };
  /** The console's path; false when it is off or no admin token is configured (then it is not mounted). */
  console: false | { path: string; sampleIntervalMs: number };
  metrics: false | (Omit<Required<TxMsgMetricsOptions>, 'token'> & { token?: string });
  cls: Exclude<TxMsgShapeOptions['cls'], undefined>;
  crashPoint?: CrashPoint;
}

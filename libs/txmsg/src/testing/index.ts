export { waitFor } from './wait-for';
export type { WaitForOptions } from './wait-for-options';
export {
  BrokerTestClient,
  DEFAULT_EVENTS_EXCHANGE,
  type RawBody,
  type TestPublishOptions,
  type TestSigningKey,
} from './broker-test-client';
export { TxMsgTestingModule } from './txmsg-testing.module';
export type { TxMsgTestingOptions } from './testing-options';
export { TxMsgTestHarness, type TestDeliverOptions } from './txmsg-test-harness';
export type { MessageRef, PublishedMessage } from './published-message';
export type { ConsumedMessage } from './in-memory/test-consumer-runtime';
export type { FailureEntry } from './in-memory/in-memory-failure-store';
export { CRASH_POINTS, type CrashPoint } from '../support/crash-point';

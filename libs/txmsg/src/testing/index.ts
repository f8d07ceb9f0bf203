export { waitFor } from './wait-for';
export type { WaitForOptions } from './wait-for-options';
export {
  BrokerTestClient,
  DEFAULT_EVENTS_EXCHANGE,
  type RawBody,
  type TestPublishOptions,
  type TestSigningKey,
} from './broker-test-client';

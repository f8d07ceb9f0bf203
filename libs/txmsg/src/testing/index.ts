export { waitFor, type WaitForOptions } from './wait-for';
export { BrokerTestClient, DEFAULT_EVENTS_EXCHANGE, type RawBody } from './broker-test-client';

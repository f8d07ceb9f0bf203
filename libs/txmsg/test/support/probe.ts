// The library's tests use the raw AMQP client it ships to its users' tests.
export { BrokerTestClient as BrokerProbe } from '../../src/testing';

import type { TestSigningKey } from '@txmsg/nestjs/testing';

/**
 * The key the tests' own broker client signs with: a trusted producer in every service's keyring,
 * so a test can replay, duplicate or garble messages the way a buggy (but trusted) producer
 * would. Forgery tests publish unsigned or with {@link UNTRUSTED_KEY}.
 */
export const TEST_PRODUCER_KEY: TestSigningKey = {
  keyId: 'test-producer-1',
  secret: 'test-producer-secret-0123456789abcdef',
};

/** A key no service trusts. */
export const UNTRUSTED_KEY: TestSigningKey = { keyId: 'intruder-1', secret: 'intruder-secret-0123456789abcdefghij' };

const SERVICES = ['bank1', 'bank2', 'pay', 'account'];
const keyOf = (service: string) => `${service}-test-1`;

/** MESSAGE_KEYS of every service in the tests: each service's own key and the test producer's. */
export const TEST_MESSAGE_KEYS = [
  ...SERVICES.map((service) => `${keyOf(service)}:${service}-test-signing-secret-0123456789`),
  `${TEST_PRODUCER_KEY.keyId}:${TEST_PRODUCER_KEY.secret}`,
].join(',');

/** The signing variables of `service` in the tests. */
export function signingEnv(service: string): Record<string, string> {
  return { MESSAGE_KEY_ID: keyOf(service), MESSAGE_KEYS: TEST_MESSAGE_KEYS };
}

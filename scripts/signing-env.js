'use strict';
// Message signing keys for the demo and the bench: every service signs with its own key and
// trusts the other three. Fixed, published values: fine on a developer machine, never anywhere
// else (a deployment sets MESSAGE_KEY_ID and MESSAGE_KEYS from its secret store).

const SERVICES = ['bank1', 'bank2', 'pay', 'account'];
const MESSAGE_KEYS = SERVICES.map(
  (service) => `${service}-demo-1:txmsg-demo-${service}-signing-secret-0123456789`,
).join(',');

/** MESSAGE_KEY_ID and MESSAGE_KEYS of `service` (its own key; every demo service's key trusted). */
function signingEnv(service) {
  const base = SERVICES.find((name) => service.includes(name)) ?? service;
  return { MESSAGE_KEY_ID: `${base}-demo-1`, MESSAGE_KEYS };
}

module.exports = { signingEnv };

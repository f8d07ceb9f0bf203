import { errorClassOf, fingerprintOf, normaliseErrorMessage } from './failure-fingerprint';

describe(normaliseErrorMessage.name, () => {
  it.each([
    ['order 123 not found', 'order <n> not found'],
    ['took 12.5 s after 3 attempts', 'took <n> s after <n> attempts'],
    ['no account 7f3c9a1e-5b2d-4c8e-9f01-23456789abcd', 'no account <uuid>'],
    ['no account 7F3C9A1E-5B2D-4C8E-9F01-23456789ABCD', 'no account <uuid>'],
    ['object 64b7f0c2e1a9d3f4b5c6a7e8 is gone', 'object <hex> is gone'],
    ['at 0x7ffe12ab', 'at <hex>'],
    ['user "ada" refused', 'user <str> refused'],
    ["key 'order:42' is locked", 'key <str> is locked'],
    ['column `note` is too long', 'column <str> is too long'],
    ['say "a \\"quoted\\" word" twice', 'say <str> twice'],
    ['  two\n lines\tand  gaps ', 'two lines and gaps'],
  ])('%j → %j', (message, normalised) => {
    expect(normaliseErrorMessage(message)).toBe(normalised);
  });

  it('keeps words: apostrophes inside them, short hex-like runs and hex letters without digits', () => {
    expect(normaliseErrorMessage("cannot read the partner's answer")).toBe("cannot read the partner's answer");
    expect(normaliseErrorMessage('deadbeef cafe bad')).toBe('deadbeef cafe bad');
    expect(normaliseErrorMessage('ab12cd is short')).toBe('ab<n>cd is short');
  });
});

describe(fingerprintOf.name, () => {
  const parts = {
    consumer: 'Orders.ship',
    reason: 'EXHAUSTED',
    errorClass: 'NotFound',
    message: 'order 123 not found',
  };

  it('is 16 hex digits, the same for failures of one shape under different ids', () => {
    const fingerprint = fingerprintOf(parts);
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf({ ...parts, message: 'order 456 not found' })).toBe(fingerprint);
    expect(fingerprintOf({ ...parts, message: 'order "A-17" not found' })).toBe(
      fingerprintOf({ ...parts, message: 'order "B-99" not found' }),
    );
  });

  it('tells apart another consumer, reason, error class or message shape', () => {
    const fingerprint = fingerprintOf(parts);
    expect(fingerprintOf({ ...parts, consumer: 'Stock.reserve' })).not.toBe(fingerprint);
    expect(fingerprintOf({ ...parts, reason: 'NOT_RETRIED' })).not.toBe(fingerprint);
    expect(fingerprintOf({ ...parts, reason: null })).not.toBe(fingerprint);
    expect(fingerprintOf({ ...parts, errorClass: 'TypeError' })).not.toBe(fingerprint);
    expect(fingerprintOf({ ...parts, message: 'order 123 was cancelled' })).not.toBe(fingerprint);
  });

  it('does not let one part run into the next', () => {
    expect(fingerprintOf({ ...parts, consumer: 'a', reason: 'bc' })).not.toBe(
      fingerprintOf({ ...parts, consumer: 'ab', reason: 'c' }),
    );
  });
});

describe(errorClassOf.name, () => {
  class PartnerDown extends Error {}

  it('is the constructor name, even where the error keeps the name Error', () => {
    expect(new PartnerDown('x').name).toBe('Error');
    expect(errorClassOf(new PartnerDown('x'))).toBe('PartnerDown');
    expect(errorClassOf(new TypeError('x'))).toBe('TypeError');
  });

  it('is null for a thrown primitive', () => {
    expect(errorClassOf('boom')).toBeNull();
    expect(errorClassOf(undefined)).toBeNull();
    expect(errorClassOf(Object.create(null))).toBeNull();
  });
});

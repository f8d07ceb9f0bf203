import { ConfigError } from '@app/common';
import { loadBank2Config, transfersOrderedAtImport } from './bank2.config';

/** Message signing is required: every configuration under test has a key. */
const SIGNING = { MESSAGE_KEY_ID: 'k1', MESSAGE_KEYS: `k1:${'s'.repeat(32)}` };

describe(loadBank2Config.name, () => {
  it('applies transfers as they come by default', () => {
    expect(loadBank2Config({ ...SIGNING })).toMatchObject({ service: 'bank2', port: 3002, transfersOrdered: false });
  });

  it('applies the transfers of one payer account in order with TRANSFERS_ORDERED=true', () => {
    expect(loadBank2Config({ ...SIGNING, TRANSFERS_ORDERED: 'true' }).transfersOrdered).toBe(true);
  });

  it('refuses a TRANSFERS_ORDERED that is not true or false, in one sentence', () => {
    const load = () => loadBank2Config({ ...SIGNING, TRANSFERS_ORDERED: 'sometimes' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow('TRANSFERS_ORDERED must be true or false, got "sometimes".');
  });
});

describe(transfersOrderedAtImport.name, () => {
  it('reads a bad value as false, leaving the refusal to the start-up check', () => {
    expect(transfersOrderedAtImport({ TRANSFERS_ORDERED: 'sometimes' })).toBe(false);
    expect(transfersOrderedAtImport({ TRANSFERS_ORDERED: 'true' })).toBe(true);
  });
});

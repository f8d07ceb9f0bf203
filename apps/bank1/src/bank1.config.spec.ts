import { ConfigError } from '@app/common';
import { loadBank1Config } from './bank1.config';

/** Message signing is required: every configuration under test has a key. */
const SIGNING = { MESSAGE_KEY_ID: 'k1', MESSAGE_KEYS: `k1:${'s'.repeat(32)}` };

describe(loadBank1Config.name, () => {
  it("checks back on transfers with RocketMQ's timing by default", () => {
    expect(loadBank1Config({ ...SIGNING })).toMatchObject({
      service: 'bank1',
      port: 3001,
      check: { firstCheckAfterMs: 6000, intervalMs: 60_000, maxChecks: 15 },
    });
  });

  it('takes the check-back timing from the environment', () => {
    const config = loadBank1Config({
      ...SIGNING,
      TXMSG_CHECK_FIRST_AFTER: '500ms',
      TXMSG_CHECK_INTERVAL: '1s',
      TXMSG_CHECK_MAX: '3',
    });
    expect(config.check).toEqual({ firstCheckAfterMs: 500, intervalMs: 1000, maxChecks: 3 });
  });

  it('keys transfer messages by payer account only with TRANSFERS_ORDERED=true', () => {
    expect(loadBank1Config({ ...SIGNING }).transfersOrdered).toBe(false);
    expect(loadBank1Config({ ...SIGNING, TRANSFERS_ORDERED: 'true' }).transfersOrdered).toBe(true);
  });

  it.each([
    [
      { TXMSG_CHECK_FIRST_AFTER: 'soon' },
      'TXMSG_CHECK_FIRST_AFTER is invalid: "soon" is not a duration like 500ms, 30s, 5m or 2h.',
    ],
    [{ TXMSG_CHECK_MAX: '0' }, 'TXMSG_CHECK_MAX must be a whole number from 1 to 1000, got "0".'],
    [{ TRANSFERS_ORDERED: 'maybe' }, 'TRANSFERS_ORDERED must be true or false, got "maybe".'],
  ])('fails fast on %j with one sentence naming the variable', (env, sentence) => {
    expect(() => loadBank1Config({ ...SIGNING, ...env })).toThrow(new ConfigError(sentence));
  });
});

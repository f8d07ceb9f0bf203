import { signWebhook, verifyWebhook, WebhookVerificationError } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'shh';
  const body = '{"id":"n1","data":{"amount":"10.00"}}';
  const now = 1_700_000_000_000;
  const ts = Math.floor(now / 1000);
  const headers = (overrides: Record<string, string> = {}) => ({
    'webhook-id': 'n1',
    'webhook-timestamp': String(ts),
    'webhook-signature': signWebhook(secret, 'n1', ts, body),
    ...overrides,
  });

  it('matches the Standard Webhooks scheme (HMAC-SHA256 over id.timestamp.body, base64, v1 prefix)', () => {
    const { createHmac } = jest.requireActual('node:crypto');
    const expected = createHmac('sha256', secret).update(`n1.${ts}.${body}`).digest('base64');
    expect(signWebhook(secret, 'n1', ts, body)).toBe(`v1,${expected}`);
  });

  it('accepts a genuine webhook', () => {
    expect(verifyWebhook(secret, headers(), body, { now })).toEqual({ id: 'n1', timestamp: ts });
  });

  it('accepts any of several signatures during a secret rotation', () => {
    const rotated = `${signWebhook('old', 'n1', ts, body)} ${signWebhook(secret, 'n1', ts, body)}`;
    expect(() => verifyWebhook(secret, headers({ 'webhook-signature': rotated }), body, { now })).not.toThrow();
  });

  it.each([
    ['a forged signature', headers({ 'webhook-signature': signWebhook('wrong', 'n1', ts, body) }), body],
    ['a changed body', headers(), body.replace('10.00', '99.00')],
    ['a changed id', headers({ 'webhook-id': 'n2' }), body],
    ['a stale timestamp', headers({ 'webhook-timestamp': String(ts - 301) }), body],
    ['a timestamp from the future', headers({ 'webhook-timestamp': String(ts + 301) }), body],
    ['a missing signature', { 'webhook-id': 'n1', 'webhook-timestamp': String(ts) }, body],
    ['a malformed timestamp', headers({ 'webhook-timestamp': '12abc' }), body],
  ])('refuses %s', (_, given, raw) => {
    expect(() => verifyWebhook(secret, given, raw, { now })).toThrow(WebhookVerificationError);
  });
});

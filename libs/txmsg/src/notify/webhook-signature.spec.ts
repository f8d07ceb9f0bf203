import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signWebhook, verifyWebhook, webhookKey, WebhookVerificationError } from './webhook-signature';

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

  describe('Standard Webhooks interop (the reference library, npm standardwebhooks)', () => {
    const whsec = `whsec_${randomBytes(24).toString('base64')}`;
    const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';

    it('reads a whsec_ secret as the base64-decoded bytes after the prefix', () => {
      expect(webhookKey(whsec)).toEqual(Buffer.from(whsec.slice('whsec_'.length), 'base64'));
      expect(webhookKey('plain-secret')).toEqual(Buffer.from('plain-secret'));
    });

    it.each(['whsec_', 'whsec_not base64!', 'whsec_YWJj=x'])('refuses the malformed secret %j', (bad) => {
      expect(() => webhookKey(bad)).toThrow(/whsec_ secret must be followed by base64/);
    });

    it('produces webhooks the reference library verifies', () => {
      const timestamp = Math.floor(Date.now() / 1000);
      const signed = {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(whsec, id, timestamp, body),
      };
      expect(new Webhook(whsec).verify(body, signed)).toEqual(JSON.parse(body));
      const forged = {
        ...signed,
        'webhook-signature': signWebhook(`whsec_${randomBytes(24).toString('base64')}`, id, timestamp, body),
      };
      expect(() => new Webhook(whsec).verify(body, forged)).toThrow();
    });

    it('verifies webhooks the reference library signed', () => {
      const at = new Date();
      const headers = {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(whsec).sign(id, at, body),
      };
      expect(verifyWebhook(whsec, headers, body)).toEqual({ id, timestamp: Math.floor(at.getTime() / 1000) });
      expect(() => verifyWebhook('whsec_' + randomBytes(24).toString('base64'), headers, body)).toThrow(
        WebhookVerificationError,
      );
    });

    it('interoperates with a raw secret given to the reference library in raw format', () => {
      const timestamp = Math.floor(Date.now() / 1000);
      const signed = {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(secret, id, timestamp, body),
      };
      expect(() => new Webhook(secret, { format: 'raw' }).verify(body, signed)).not.toThrow();
    });
  });
});

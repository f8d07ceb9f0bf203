import { redactedUrl } from './redacted-url';

describe('redactedUrl', () => {
  it('keeps scheme, host, port and path, and replaces the query string and fragment', () => {
    expect(redactedUrl('http://127.0.0.1:3004/hooks/x?token=s3cret')).toBe('http://127.0.0.1:3004/hooks/x?[redacted]');
    expect(redactedUrl('https://shop.example/notify#sig=s3cret')).toBe('https://shop.example/notify#[redacted]');
    expect(redactedUrl('https://shop.example:8443/a?k=1#f')).toBe('https://shop.example:8443/a?[redacted]#[redacted]');
    expect(redactedUrl('https://shop.example/plain')).toBe('https://shop.example/plain');
  });

  it('never shows a user name or password', () => {
    const shown = redactedUrl('https://user:s3cret@hooks.example.com/path?key=s3cret');
    expect(shown).toBe('https://hooks.example.com/path?[redacted]');
    expect(shown).not.toMatch(/user|s3cret/);
  });

  it('shows a URL that does not parse, or is not http(s), as invalid', () => {
    expect(redactedUrl('not a url?token=s3cret')).toBe('invalid');
    expect(redactedUrl('mailto:someone@example.com?subject=s3cret')).toBe('invalid');
  });
});

import { receiverOrigin } from './receiver-origin';

describe('receiverOrigin', () => {
  it('keeps scheme, host and port, and writes the default port out', () => {
    expect(receiverOrigin('https://shop.example.com/hooks/pay?token=s3cret#x')).toBe('https://shop.example.com:443');
    expect(receiverOrigin('http://shop.example.com/a')).toBe('http://shop.example.com:80');
    expect(receiverOrigin('http://127.0.0.1:8081/notify/42')).toBe('http://127.0.0.1:8081');
    expect(receiverOrigin('http://[::1]:9000/x')).toBe('http://[::1]:9000');
  });

  it('never carries credentials, path or query', () => {
    const label = receiverOrigin('https://user:password@hooks.example.com:8443/secret/path?key=abc');
    expect(label).toBe('https://hooks.example.com:8443');
    expect(label).not.toMatch(/user|password|secret|key/);
  });

  it('labels a URL that does not parse as invalid', () => {
    expect(receiverOrigin('not a url')).toBe('invalid');
  });
});

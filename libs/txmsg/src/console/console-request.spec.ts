import { consoleBase, sameOrigin } from './console-request';
import { escapeHtml } from './console-html';
import { sessionCookie, sessionMatches, sessionValue } from './console-session';

describe('console requests', () => {
  const request = (url: string, headers: Record<string, string> = {}) => ({ method: 'POST', url, headers });

  it('finds the console path behind a global prefix, and only as whole segments', () => {
    expect(consoleBase(request('/txmsg/console/failures/3?x=1'), 'txmsg/console')).toBe('/txmsg/console');
    expect(consoleBase(request('/api/v1/txmsg/console'), 'txmsg/console')).toBe('/api/v1/txmsg/console');
    expect(consoleBase(request('/txmsg/consoles/txmsg/console/login'), 'txmsg/console')).toBe(
      '/txmsg/consoles/txmsg/console',
    );
  });

  it('takes a POST as same-origin only when its Origin or Referer names the host it was sent to', () => {
    expect(sameOrigin(request('/', { host: 'ops:8080' }))).toBe(true);
    expect(sameOrigin(request('/', { host: 'ops:8080', origin: 'http://ops:8080' }))).toBe(true);
    expect(sameOrigin(request('/', { host: 'ops:8080', referer: 'https://ops:8080/txmsg/console' }))).toBe(true);
    expect(sameOrigin(request('/', { host: 'ops:8080', origin: 'https://evil.example' }))).toBe(false);
    expect(sameOrigin(request('/', { host: 'ops:8080', origin: 'null' }))).toBe(false);
    expect(sameOrigin(request('/', { host: 'ops:8080', referer: 'http://ops:8081/' }))).toBe(false);
  });

  it('keeps an HMAC of the token in the cookie and matches only that', () => {
    const value = sessionValue('secret-token');
    expect(value).not.toContain('secret-token');
    expect(sessionMatches(`a=b; txmsg_console=${value}`, 'secret-token')).toBe(true);
    expect(sessionMatches(`txmsg_console=${value}`, 'other-token')).toBe(false);
    expect(sessionMatches('txmsg_console=secret-token', 'secret-token')).toBe(false);
    expect(sessionMatches(undefined, 'secret-token')).toBe(false);
    expect(sessionCookie(value, '/txmsg/console', true)).toBe(
      `txmsg_console=${value}; HttpOnly; SameSite=Strict; Path=/txmsg/console; Max-Age=43200; Secure`,
    );
    expect(sessionCookie(undefined, '/c', false)).toBe('txmsg_console=; HttpOnly; SameSite=Strict; Path=/c; Max-Age=0');
  });

  it('escapes every character that could end a text or an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

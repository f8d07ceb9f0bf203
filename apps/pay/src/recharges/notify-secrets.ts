import { ConfigError } from '@app/common';

/**
 * Parses a per-receiver key map written `origin=key,origin=key`
 * (`https://a.example:8443=key1,http://b.example=key2`). Origins are normalised the way the
 * notifier looks them up (`new URL(url).origin`: lower-case host, default port dropped), so
 * `https://A.example:443` and `https://a.example` are the same receiver. Error sentences never
 * repeat a key.
 */
export function parseNotifySecrets(name: string, text: string | undefined): Record<string, string> {
  const secrets: Record<string, string> = {};
  if (text === undefined) return secrets;
  text.split(',').forEach((entry, index) => {
    const at = entry.indexOf('=');
    const origin = normalisedOrigin(at > 0 ? entry.slice(0, at).trim() : '');
    const key = at > 0 ? entry.slice(at + 1).trim() : '';
    if (!origin || !key) {
      throw new ConfigError(
        `${name} entry ${index + 1} must be origin=key with an http(s) origin and no path, such as https://merchant.example:8443=key1.`,
      );
    }
    if (secrets[origin] !== undefined) throw new ConfigError(`${name} names the origin ${origin} twice.`);
    secrets[origin] = key;
  });
  return secrets;
}

function normalisedOrigin(text: string): string | undefined {
  try {
    const url = new URL(text);
    const bare =
      url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !text.endsWith('/');
    return ['http:', 'https:'].includes(url.protocol) && bare ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses a comma-separated list of receiver origins (`https://a.example:8443,http://10.0.0.7:8080`),
 * normalised like the keys of {@link parseNotifySecrets}. An origin, not a URL: no path, user,
 * query or fragment, so what an operator writes is exactly what the notifier compares.
 */
export function parseOrigins(name: string, text: string | undefined): string[] {
  if (text === undefined) return [];
  const origins = text.split(',').map((entry, index) => {
    const origin = normalisedOrigin(entry.trim());
    if (!origin)
      throw new ConfigError(
        `${name} entry ${index + 1} must be an http(s) origin with no path, such as https://merchant.example:8443, got "${entry.trim()}".`,
      );
    return origin;
  });
  return [...new Set(origins)];
}

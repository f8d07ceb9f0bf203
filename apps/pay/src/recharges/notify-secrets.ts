import { ConfigError } from '@app/common';
import { canonicalReceiver } from '@txmsg/nestjs';

/**
 * Parses the webhook receivers and their keys, written `receiver=key,receiver=key`, a receiver
 * being an origin with an optional path prefix
 * (`https://merchant.example/hooks/=key1,http://10.0.0.7:8080=key2`). Receivers are spelt the
 * way the notifier compares them (lower-case host, default port dropped, the path
 * WHATWG-normalised), so `https://A.example:443/hooks/` and `https://a.example/hooks/` are the
 * same receiver. A key is everything after the first `=`, so a path prefix writes a `=` as
 * `%3D`. Error sentences never repeat a key.
 */
export function parseNotifySecrets(name: string, text: string | undefined): Record<string, string> {
  const secrets: Record<string, string> = {};
  if (text === undefined) return secrets;
  text.split(',').forEach((entry, index) => {
    const at = entry.indexOf('=');
    const receiver = at > 0 ? canonicalReceiver(entry.slice(0, at).trim()) : undefined;
    const key = at > 0 ? entry.slice(at + 1).trim() : '';
    if (!receiver || !key) {
      throw new ConfigError(
        `${name} entry ${index + 1} must be receiver=key, the receiver an http(s) origin with an optional path and no user, query or fragment, such as https://merchant.example/hooks/=key1.`,
      );
    }
    if (secrets[receiver] !== undefined) throw new ConfigError(`${name} names the receiver ${receiver} twice.`);
    secrets[receiver] = key;
  });
  return secrets;
}

import { maskCredentials } from '../support/mask-credentials';

/** What is wrong with `broker.uri` (one URI, or one per cluster node), as sentences; no password shown. */
export function brokerUriProblems(uri: string | string[] | undefined): string[] {
  const uris = Array.isArray(uri) ? uri : [uri ?? ''];
  if (uris.length === 0) return ['broker.uri must name at least one amqp:// or amqps:// URI.'];
  return uris
    .filter((one) => typeof one !== 'string' || !/^amqps?:\/\//.test(one))
    .map((one) => `broker.uri must be an amqp:// or amqps:// URI, got "${maskCredentials(String(one))}".`);
}
